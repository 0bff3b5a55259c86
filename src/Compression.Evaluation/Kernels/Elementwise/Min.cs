using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Min of two elements; NaN propagates (as NumPy's minimum and the ONNX reference do).</summary>
internal struct MinOperation : IBinaryOperation
{
    public static T Apply<T>(T a, T b) where T : INumber<T> => T.IsNaN(a) || a <= b ? a : b;
}
