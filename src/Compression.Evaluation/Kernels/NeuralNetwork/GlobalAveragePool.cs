using System.Runtime.CompilerServices;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>GlobalAveragePool (1): the mean of each [N, C] plane, summed in double in order, output [N, C, 1, …].</summary>
internal sealed class GlobalAveragePool : IKernel
{
    /// <summary>Planes summed side by side: independent chains, so each add does not wait on the previous one's latency.</summary>
    private const int Lanes = 8;

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => GlobalPool.Infer(context);

    public void Execute(KernelContext context)
    {
        var (x, y, plane) = GlobalPool.Prepare(context);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        var groups = (y.Length + Lanes - 1) / Lanes;
        context.Parallelism.For(groups, g =>
        {
            var first = g * Lanes;
            if (first + Lanes <= y.Length) Eight(xs, ys, first, plane);
            else
                for (var p = first; p < y.Length; p++) ys[p] = Mean(xs.AsSpan(p * plane, plane));
        }, (long)Lanes * plane);
        context.SetOutput(0, y);
    }

    private static float Mean(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return (float)(sum / values.Length);
    }

    /// <summary>Planes [first, first + 8): each its own double sum in element order, the eight interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Eight(float[] xs, float[] ys, int first, int plane)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        var x0 = xs.AsSpan(first * plane, plane);
        var x1 = xs.AsSpan((first + 1) * plane, plane);
        var x2 = xs.AsSpan((first + 2) * plane, plane);
        var x3 = xs.AsSpan((first + 3) * plane, plane);
        var x4 = xs.AsSpan((first + 4) * plane, plane);
        var x5 = xs.AsSpan((first + 5) * plane, plane);
        var x6 = xs.AsSpan((first + 6) * plane, plane);
        var x7 = xs.AsSpan((first + 7) * plane, plane);
        for (var j = 0; j < plane; j++)
        {
            s0 += x0[j];
            s1 += x1[j];
            s2 += x2[j];
            s3 += x3[j];
            s4 += x4[j];
            s5 += x5[j];
            s6 += x6[j];
            s7 += x7[j];
        }
        ys[first] = (float)(s0 / plane);
        ys[first + 1] = (float)(s1 / plane);
        ys[first + 2] = (float)(s2 / plane);
        ys[first + 3] = (float)(s3 / plane);
        ys[first + 4] = (float)(s4 / plane);
        ys[first + 5] = (float)(s5 / plane);
        ys[first + 6] = (float)(s6 / plane);
        ys[first + 7] = (float)(s7 / plane);
    }
}
