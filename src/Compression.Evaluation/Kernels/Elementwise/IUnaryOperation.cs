using System.Numerics;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>The attributes a unary activation may take (alpha, beta, gamma), after defaults.</summary>
internal readonly record struct UnaryParameters(float Alpha, float Beta, float Gamma);

/// <summary>
/// One element of a unary operator: a float form (also used for float16 and bfloat16, rounded once afterwards) and a
/// double form; integer types only where the operator defines them. A struct, so <see cref="UnaryKernel{TOp}"/> is
/// specialised per operator and the call inlined.
/// </summary>
internal interface IUnaryOperation
{
    static abstract float Apply(float x, UnaryParameters p);

    static abstract double Apply(double x, UnaryParameters p);

    /// <summary>
    /// Whether <see cref="Apply(Vector256{float}, UnaryParameters)"/> exists: eight lanes of exactly the float form's IEEE
    /// operations (no function approximations), so vector and scalar elements are bit-identical.
    /// </summary>
    static virtual bool VectorizesFloat => false;

    static virtual Vector256<float> Apply(Vector256<float> x, UnaryParameters p) => throw new NotSupportedException();

    static virtual bool SupportsIntegers => false;

    static virtual T ApplyInteger<T>(T x) where T : INumber<T> => throw new NotSupportedException();
}
