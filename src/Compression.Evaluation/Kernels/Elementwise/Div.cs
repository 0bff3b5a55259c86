using System.Numerics;
using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Div: a / b, element by element with broadcasting (integers wrap, as in C).</summary>
internal struct DivOperation : IBinaryOperation
{
    public static T Apply<T>(T a, T b) where T : INumber<T> => a / b;

    public static bool VectorizesFloat => true;

    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a / b;
}
