namespace Compression.Evaluation.Inference;

/// <summary>One dimension as inference knows it: a number, a named symbol (a model's dim_param), or unknown.</summary>
public readonly record struct Dim(long Value, string? Symbol = null)
{
    public static Dim Unknown { get; } = new(-1);

    public static Dim Named(string symbol) => new(-1, symbol);

    public bool IsKnown => Value >= 0;

    public static implicit operator Dim(long value) => new(value);

    public override string ToString() => IsKnown ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbol ?? "?";
}
