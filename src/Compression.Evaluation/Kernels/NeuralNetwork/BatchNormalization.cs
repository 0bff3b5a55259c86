using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// BatchNormalization in inference mode: y = (x − mean)/√(var + ε)·scale + B per channel (versions 9, 14, 15, and 7,
/// whose 'spatial' = 0 gives per-element statistics of shape [C, D1, …]). Training (7 and 9: the running-statistics
/// outputs requested; 14 and 15: training_mode = 1) is refused. The affine form a·x + b is folded per channel in double,
/// rounded to float, then applied with one fma per element.
/// </summary>
internal sealed class BatchNormalization : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        return [new ValueInfo(x?.ElementType ?? DataType.Undefined, x?.Shape)];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var training = context.OperatorVersion >= 14
            ? context.Attributes.GetInt("training_mode", 0) != 0
            : Enumerable.Range(1, Math.Max(0, context.Node.Output.Count - 1)).Any(context.HasOutput);
        if (training) throw context.Fail("training mode is not supported: the executor runs BatchNormalization for inference only");
        if (x.ElementType != DataType.Float) throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        if (x.Rank < 2) throw context.Fail($"input rank {x.Rank} is below 2");
        var parameters = new float[4][];
        for (var i = 0; i < 4; i++)
        {
            var t = context.Input(i + 1);
            if (t.ElementType != DataType.Float) throw context.Fail($"input {i + 1} is {t.ElementType}, float expected");
            parameters[i] = (float[])t.Data;
        }
        var epsilon = context.Attributes.GetFloat("epsilon", 1e-5f);
        int batch = x.Shape[0], channels = x.Shape[1];
        var plane = x.Length / Math.Max(1, batch * channels);
        // Version 7 with spatial = 0 keeps statistics per element of [C, D1, …]; otherwise they are per channel.
        var perElement = context.OperatorVersion < 9 && context.Attributes.GetInt("spatial", 1) == 0;
        var groups = perElement ? channels * plane : channels;
        var length = context.Input(1).Length;
        if (length != groups || Enumerable.Range(2, 3).Any(i => context.Input(i).Length != groups))
            throw context.Fail($"scale, B, mean and var must have {groups} elements");
        var (a, b) = Coefficients(parameters[0], parameters[1], parameters[2], parameters[3], epsilon);
        var y = context.Allocate(DataType.Float, x.Shape);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        context.Parallelism.For(batch * channels, i =>
        {
            var c = i % channels;
            var src = xs.AsSpan(i * plane, plane);
            var dst = ys.AsSpan(i * plane, plane);
            if (perElement)
            {
                for (var j = 0; j < plane; j++) dst[j] = AffineOperation.Apply(src[j], a[c * plane + j], b[c * plane + j]);
                return;
            }
            var av = Vector256.Create(a[c]);
            var bv = Vector256.Create(b[c]);
            var k = 0;
            for (; k + 8 <= plane; k += 8)
                AffineOperation.Apply(Vector256.Create<float>(src.Slice(k, 8)), av, bv).CopyTo(dst.Slice(k, 8));
            for (; k < plane; k++) dst[k] = AffineOperation.Apply(src[k], a[c], b[c]);
        }, plane);
        context.SetOutput(0, y);
    }

    /// <summary>The per-channel affine form y = fma(x, a, b); shared with Conv's fused epilogue so both round alike.</summary>
    internal static (float[] A, float[] B) Coefficients(float[] scale, float[] bias, float[] mean, float[] variance, float epsilon)
    {
        var a = new float[scale.Length];
        var b = new float[scale.Length];
        for (var c = 0; c < a.Length; c++)
        {
            var inv = (double)scale[c] / Math.Sqrt((double)variance[c] + epsilon);
            a[c] = (float)inv;
            b[c] = (float)(bias[c] - mean[c] * inv);
        }
        return (a, b);
    }
}
