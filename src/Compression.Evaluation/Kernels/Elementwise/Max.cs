using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Max of two elements; NaN propagates (as NumPy's maximum and the ONNX reference do).</summary>
internal struct MaxOperation : IBinaryOperation
{
    public static T Apply<T>(T a, T b) where T : INumber<T> => T.IsNaN(a) || a >= b ? a : b;
}
