namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// One element of a broadcasting binary operator with its own input and output types (comparisons give bool, Pow takes
/// an exponent of another type). A struct implements it so the loops in <see cref="BinaryLoop"/> are specialised and
/// the call inlined: no delegate or virtual call per element.
/// </summary>
internal interface IBinaryFunction<TA, TB, TR>
{
    static abstract TR Apply(TA a, TB b);
}
