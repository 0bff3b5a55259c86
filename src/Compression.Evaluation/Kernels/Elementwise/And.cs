namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>And: logical and of bools, element by element with broadcasting.</summary>
internal struct AndOperation : IBinaryFunction<bool, bool, bool>
{
    public static bool Apply(bool a, bool b) => a && b;
}
