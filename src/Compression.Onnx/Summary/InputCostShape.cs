namespace Compression.Onnx.Summary;

/// <summary>
/// The concrete shape costs (MACs, bytes moved) were computed with for one input whose declared shape is dynamic, and
/// where it came from: the item's <c>InputShapes</c> / <c>--input-shape</c>, its validation or calibration data, or the
/// declared default (<see cref="DefaultSource"/>).
/// </summary>
public sealed record InputCostShape(string Name, IReadOnlyList<long> Dims, string Source)
{
    public const string GivenSource = "InputShapes";
    public const string ValidationSource = "validation data";
    public const string CalibrationSource = "calibration data";
    public const string DataSetSource = "data set";
    public const string DefaultSource = "default (batch 1, every other dynamic dimension 128)";

    /// <summary>Every dynamic dimension after the leading (batch) one, when nothing else says: a typical sequence length or image side.</summary>
    public const long DefaultDim = 128;

    public override string ToString() => $"{Name}=[{string.Join(",", Dims)}] from {Source}";

    /// <summary>One line saying which shapes costs assume.</summary>
    public static string Describe(IReadOnlyList<InputCostShape> shapes) =>
        shapes.Count == 0 ? "the shapes the model declares" : string.Join("; ", shapes.Select(s => s.ToString()));
}
