using System.Numerics;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Linear;

/// <summary>
/// The product for element types other than float (double and the integers, where models use them for small index
/// arithmetic): a plain loop, each element summed over k in ascending order; integers wrap as in C.
/// </summary>
internal static class NaiveMatMul
{
    public static void Multiply<T>(T[] a, int aOffset, int aRowStride, int aColStride, T[] b, int bOffset, int bRowStride, int bColStride,
        int m, int n, int k, T[] c, int cOffset, int ldc) where T : INumber<T>
    {
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = T.Zero;
                for (var p = 0; p < k; p++)
                    sum += a[aOffset + i * aRowStride + p * aColStride] * b[bOffset + p * bRowStride + j * bColStride];
                c[cOffset + i * ldc + j] = sum;
            }
    }
}
