using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>
/// What happens to an output row once its sums are final: the bias added (a float add, as before fusion existed),
/// then the fused epilogue if any. Done per row while the row is still in cache.
/// </summary>
internal sealed class ConvOutputStore(float[]? bias, Epilogue? epilogue, float[][] externals, float[] y, int planeSize, int channels)
{
    /// <summary>
    /// Output rows shorter than this get their bias and epilogue per plane once the plane is done: per row, the
    /// per-call setup would outweigh the work.
    /// </summary>
    public const int ShortRow = 64;

    /// <summary>Ranges at least this long are split across threads by <see cref="Region"/>.</summary>
    private const int Piece = 4096;

    public bool IsEmpty => bias is null && epilogue is null;

    /// <summary>
    /// y[offset, offset + length), which may span several planes (element i is in channel (i / planeSize) mod
    /// channels, y being [N, channels, planeSize]).
    /// </summary>
    public void Row(int offset, int length)
    {
        if (epilogue is not null)
        {
            // The bias add is the epilogue's first operation on each block.
            epilogue.Apply(y, offset, length, planeSize, channels, externals, bias);
            return;
        }
        if (bias is null) return;
        for (var at = offset; at < offset + length;)
        {
            var to = Math.Min(offset + length, (at / planeSize + 1) * planeSize);
            var row = y.AsSpan(at, to - at);
            var channel = at / planeSize % channels;
            var b = Vector256.Create(bias[channel]);
            var j = 0;
            for (; j + 8 <= row.Length; j += 8) (Vector256.Create<float>(row.Slice(j, 8)) + b).CopyTo(row.Slice(j, 8));
            for (; j < row.Length; j++) row[j] += bias[channel];
            at = to;
        }
    }

    /// <summary>
    /// A whole region at once, in pieces across threads: for short planes or rows, where a call per row would cost
    /// more than its work (the region is still in cache, just computed).
    /// </summary>
    public void Region(int offset, int length, Parallelism parallelism)
    {
        if (IsEmpty) return;
        var pieces = (length + Piece - 1) / Piece;
        parallelism.For(pieces, p => Row(offset + p * Piece, Math.Min(Piece, length - p * Piece)), Piece);
    }
}
