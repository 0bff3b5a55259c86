using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// InstanceNormalization (1, 6: only the legacy consumed_inputs attribute differs): each [n, c] plane normalised by its
/// own mean and (biased) variance, computed in double in order, then scaled and shifted per channel.
/// </summary>
internal sealed class InstanceNormalization : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        return [new ValueInfo(x?.ElementType ?? DataType.Undefined, x?.Shape)];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var scale = context.Input(1);
        var bias = context.Input(2);
        if (x.ElementType != DataType.Float || scale.ElementType != DataType.Float || bias.ElementType != DataType.Float)
            throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        if (x.Rank < 3) throw context.Fail($"input rank {x.Rank} is below 3");
        int batch = x.Shape[0], channels = x.Shape[1];
        if (scale.Length != channels || bias.Length != channels) throw context.Fail($"scale and B must have {channels} elements");
        var epsilon = (double)context.Attributes.GetFloat("epsilon", 1e-5f);
        var plane = x.Length / Math.Max(1, batch * channels);
        var y = context.Allocate(DataType.Float, x.Shape);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        var ss = (float[])scale.Data;
        var bs = (float[])bias.Data;
        context.Parallelism.For(batch * channels, i =>
        {
            var c = i % channels;
            var src = xs.AsSpan(i * plane, plane);
            var dst = ys.AsSpan(i * plane, plane);
            var sum = 0.0;
            foreach (var v in src) sum += v;
            var mean = sum / plane;
            var squares = 0.0;
            foreach (var v in src) squares += (v - mean) * (v - mean);
            var a = ss[c] / Math.Sqrt(squares / plane + epsilon);
            var b = bs[c] - mean * a;
            for (var j = 0; j < plane; j++) dst[j] = (float)(src[j] * a + b);
        }, plane * 3L);
        context.SetOutput(0, y);
    }
}
