namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Or: logical or of bools, element by element with broadcasting.</summary>
internal struct OrOperation : IBinaryFunction<bool, bool, bool>
{
    public static bool Apply(bool a, bool b) => a || b;
}
