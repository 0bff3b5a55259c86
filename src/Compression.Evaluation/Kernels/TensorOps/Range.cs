using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Range (11): start, start + delta, ... short of limit, max(ceil((limit - start) / delta), 0) elements, each computed
/// as start + i·delta in the element type (so float results do not drift with the index).
/// </summary>
internal sealed class Range : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) =>
        [new ValueInfo(context.Input(0)?.ElementType ?? default, [Dim.Unknown])];

    public void Execute(KernelContext context)
    {
        var start = context.Input(0);
        var limit = context.Input(1);
        var delta = context.Input(2);
        if (start.Length != 1 || limit.Length != 1 || delta.Length != 1) throw context.Fail("start, limit and delta must be scalars");
        switch (start.ElementType)
        {
            case DataType.Float:
            {
                float s = start.Span<float>()[0], l = limit.Span<float>()[0], d = delta.Span<float>()[0];
                var output = context.Allocate(DataType.Float, [Count((double)l - s, d, context)]);
                var r = output.Span<float>();
                for (var i = 0; i < r.Length; i++) r[i] = s + i * d;
                context.SetOutput(0, output);
                break;
            }
            case DataType.Double:
            {
                double s = start.Span<double>()[0], l = limit.Span<double>()[0], d = delta.Span<double>()[0];
                var output = context.Allocate(DataType.Double, [Count(l - s, d, context)]);
                var r = output.Span<double>();
                for (var i = 0; i < r.Length; i++) r[i] = s + i * d;
                context.SetOutput(0, output);
                break;
            }
            case DataType.Int16: Integers<short>(context, start, limit, delta); break;
            case DataType.Int32: Integers<int>(context, start, limit, delta); break;
            case DataType.Int64: Integers<long>(context, start, limit, delta); break;
            default: throw context.Fail($"element type {start.ElementType} is not supported");
        }
    }

    private static void Integers<T>(KernelContext context, Tensors.Tensor start, Tensors.Tensor limit, Tensors.Tensor delta)
        where T : System.Numerics.IBinaryInteger<T>
    {
        var s = long.CreateTruncating(start.Span<T>()[0]);
        var l = long.CreateTruncating(limit.Span<T>()[0]);
        var d = long.CreateTruncating(delta.Span<T>()[0]);
        if (d == 0) throw context.Fail("delta is 0");
        var count = Math.Max(0, (l - s + d + (d > 0 ? -1 : 1)) / d);
        var output = context.Allocate(start.ElementType, [checked((int)count)]);
        var r = output.Span<T>();
        for (var i = 0; i < r.Length; i++) r[i] = T.CreateTruncating(s + i * d);
        context.SetOutput(0, output);
    }

    private static int Count(double span, double delta, KernelContext context)
    {
        if (delta == 0) throw context.Fail("delta is 0");
        return checked((int)Math.Max(0, Math.Ceiling(span / delta)));
    }
}
