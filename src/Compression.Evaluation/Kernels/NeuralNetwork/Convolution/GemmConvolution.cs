using System.Buffers;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>
/// A convolution as one matrix product per image and group: the packed weights [M/g, C/g·k] times the im2col matrix
/// [C/g·k, output positions], written straight into <see cref="GemmCore"/>'s packed B layout; a 1×1 convolution at
/// stride 1 needs no im2col, its input [C, H·W] being B as it stands. Every output is the GEMM's chain, fma over
/// (channel, kernel d, h, w) ascending from +0, padded taps contributing fma(w, 0, acc).
/// </summary>
internal static class GemmConvolution
{
    /// <param name="packedA">The weights of every group in GEMM A panels, group gi's block at gi·aSize.</param>
    public static void Run(float[] x, float[] packedA, int aSize, ConvOutputStore post, float[] y, int batch, int group, int groupChannels,
        int groupFilters, WindowGeometry g, Parallelism parallelism)
    {
        var k = groupChannels * g.KernelSize;
        var positions = g.OutputSize;
        var inputPlane = g.InputSize;
        var pointwise = g.IsPointwise;
        float[]? packedB = null;
        try
        {
            for (var n = 0; n < batch; n++)
                for (var gi = 0; gi < group; gi++)
                {
                    var xOffset = (n * group + gi) * groupChannels * inputPlane;
                    var yOffset = (n * group + gi) * groupFilters * positions;
                    // Short planes get their bias and epilogue in one region afterwards (a call per plane would cost more than its work).
                    var perRow = positions >= ConvOutputStore.ShortRow;
                    Action<int, int, int>? rowDone = post.IsEmpty || !perRow ? null
                        : (row, from, to) => post.Row(yOffset + row * positions + from, to - from);
                    if (pointwise)
                    {
                        // The input is B as it stands ([C, H·W] row-major): packed block by block while in cache.
                        GemmCore.MultiplyPackingB(packedA, gi * aSize, x, xOffset, inputPlane, groupFilters, positions, k, y, yOffset, positions,
                            parallelism, rowDone);
                    }
                    else
                    {
                        packedB ??= ArrayPool<float>.Shared.Rent(Math.Max(1, GemmCore.PackedBSize(k, positions)));
                        Im2Col.Pack(x, xOffset, groupChannels, g, packedB, parallelism);
                        GemmCore.Multiply(packedA, gi * aSize, packedB, groupFilters, positions, k, y, yOffset, positions, parallelism, rowDone);
                    }
                    if (!perRow) post.Region(yOffset, groupFilters * positions, parallelism);
                }
        }
        finally
        {
            if (packedB is not null) ArrayPool<float>.Shared.Return(packedB);
        }
    }
}
