using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Linear;

/// <summary>
/// y = W·x for a 1×1 convolution on a single position (squeeze-and-excitation blocks on [N, C, 1, 1]), where the GEMM
/// would pad the one column to a 16-wide panel. Weights are pre-transposed to [k, m] (m padded to 8) so eight filters
/// share a vector. Each output is the chain acc = fma(W[f, kk], x[kk], acc) for kk = 0 … k−1 from +0, exactly
/// <see cref="GemmCore"/>'s order, so the bits are those of the GEMM path.
/// </summary>
internal static class Gemv
{
    public static int PaddedFilters(int filters) => (filters + 7) / 8 * 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float[] transposed, int ldm, float[] x, int xOffset, int filters, int k, ConvOutputStore post, float[] y, int yOffset)
    {
        var tile = stackalloc float[32];
        fixed (float* wt = transposed, xp = x, yp = y)
        {
            var input = xp + xOffset;
            for (var f = 0; f < ldm; f += 32)
            {
                var lanes = Math.Min(32, ldm - f);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                var wr = wt + f;
                if (lanes == 32)
                    for (var kk = 0; kk < k; kk++, wr += ldm)
                    {
                        var xv = Vector256.Create(input[kk]);
                        a0 = Vector256.FusedMultiplyAdd(Vector256.Load(wr), xv, a0);
                        a1 = Vector256.FusedMultiplyAdd(Vector256.Load(wr + 8), xv, a1);
                        a2 = Vector256.FusedMultiplyAdd(Vector256.Load(wr + 16), xv, a2);
                        a3 = Vector256.FusedMultiplyAdd(Vector256.Load(wr + 24), xv, a3);
                    }
                else
                    for (var kk = 0; kk < k; kk++, wr += ldm)
                    {
                        var xv = Vector256.Create(input[kk]);
                        a0 = Vector256.FusedMultiplyAdd(Vector256.Load(wr), xv, a0);
                        if (lanes > 8) a1 = Vector256.FusedMultiplyAdd(Vector256.Load(wr + 8), xv, a1);
                        if (lanes > 16) a2 = Vector256.FusedMultiplyAdd(Vector256.Load(wr + 16), xv, a2);
                    }
                a0.Store(tile); a1.Store(tile + 8); a2.Store(tile + 16); a3.Store(tile + 24);
                for (var i = 0; i < lanes && f + i < filters; i++) yp[yOffset + f + i] = tile[i];
            }
        }
        if (post.IsEmpty) return;
        post.Row(yOffset, filters);
    }
}
