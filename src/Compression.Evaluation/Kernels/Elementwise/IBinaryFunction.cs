using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// One element of a broadcasting binary operator with its own input and output types (comparisons give bool, Pow takes
/// an exponent of another type). A struct implements it so the loops in <see cref="BinaryLoop"/> are specialised and
/// the call inlined: no delegate or virtual call per element.
/// </summary>
internal interface IBinaryFunction<TA, TB, TR>
{
    static abstract TR Apply(TA a, TB b);

    /// <summary>
    /// Whether TA, TB and TR are float and <see cref="Apply(Vector256{float}, Vector256{float})"/> computes eight lanes
    /// with exactly the scalar form's IEEE operation (so vector and scalar elements are bit-identical).
    /// </summary>
    static virtual bool VectorizesFloat => false;

    static virtual Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => throw new NotSupportedException();
}
