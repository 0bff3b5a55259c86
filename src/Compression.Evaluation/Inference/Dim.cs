namespace Compression.Evaluation.Inference;

/// <summary>One dimension as inference knows it: a number, a named symbol (a model's dim_param), or unknown.</summary>
// CA1716 guards libraries that Visual Basic code consumes; this assembly ships only inside modelc and the ONNX spec's
// own word for a dimension is dim (docs/decisions.md).
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Not consumed from Visual Basic; ONNX's term.")]
public readonly record struct Dim(long Value, string? Symbol = null)
{
    public static Dim Unknown { get; } = new(-1);

    public static Dim Named(string symbol) => new(-1, symbol);

    public bool IsKnown => Value >= 0;

    public static implicit operator Dim(long value) => new(value);

    public override string ToString() => IsKnown ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbol ?? "?";
}
