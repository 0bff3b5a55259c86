namespace Compression.Onnx.Summary;

/// <summary>
/// The rule for shapes that costs (MACs, bytes moved) are quoted on: every dimension a number, except that a symbolic
/// leading (batch) dimension counts as 1 — costs are per single input — and any other unknown dimension leaves the
/// shape unknown. One rule for declared shapes and for inferred ones.
/// </summary>
public static class CostShape
{
    /// <param name="rank">The number of dimensions.</param>
    /// <param name="dimension">Dimension i as a number, or null when it is symbolic or unknown.</param>
    public static long[]? Of(int rank, Func<int, long?> dimension)
    {
        var dims = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            if (dimension(i) is { } value && value >= 0) dims[i] = value;
            else if (i == 0 && rank > 1) dims[i] = 1;
            else return null;
        }
        return dims;
    }
}
