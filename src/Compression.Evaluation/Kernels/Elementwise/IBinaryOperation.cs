using System.Numerics;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>The arithmetic of one binary operator for any numeric type; a struct so each kernel is specialised and inlined.</summary>
internal interface IBinaryOperation
{
    static abstract T Apply<T>(T a, T b) where T : INumber<T>;

    /// <summary>Whether <see cref="Apply(Vector256{float}, Vector256{float})"/> is the float form on eight lanes (one IEEE operation).</summary>
    static virtual bool VectorizesFloat => false;

    static virtual Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => throw new NotSupportedException();
}
