using System.Runtime.CompilerServices;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Linear;

/// <summary>
/// Where <see cref="GemmCore.Kernel{TSource}"/> finds the 16 B values of each depth step: the depth is Outer × Middle ×
/// Inner steps, visited in that nesting order; step (o, m, 0) is at <c>Row(o, m)</c> and each next step along the
/// row at <c>Next(row, at, t)</c>. Nesting lets a convolution walk (channel, kernel row, kernel column) with one
/// address computation per kernel row instead of a division per step, and stepping from the last address lets the
/// GEMM's loop advance one pointer (an index times a stride cost it three integer instructions per step).
/// </summary>
internal unsafe interface ITileSource
{
    int Outer { get; }

    int Middle { get; }

    int Inner { get; }

    float* Row(int outer, int middle);

    /// <summary>The address of step inner + 1, given row = Row(o, m) and at = the address of step inner.</summary>
    float* Next(float* row, float* at, int inner);
}

/// <summary>The GEMM's B: <c>depth</c> rows of a 16-column panel, <c>ldb</c> floats apart (16 when packed).</summary>
internal readonly unsafe struct PanelRows(float* b, long ldb, int depth) : ITileSource
{
    public int Outer => 1;

    public int Middle => 1;

    public int Inner => depth;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(int outer, int middle) => b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Next(float* row, float* at, int inner) => at + ldb;
}
