namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Xor: logical exclusive or of bools, element by element with broadcasting.</summary>
internal struct XorOperation : IBinaryFunction<bool, bool, bool>
{
    public static bool Apply(bool a, bool b) => a != b;
}
