using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Shape (1, 13, 15): the input's dimensions as int64, from version 15 only those in [start, end) (clamped like a
/// slice). Inference yields a constant whenever the selected dimensions are known, which lets shape chains fold.
/// </summary>
internal sealed class Shape : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        if (input?.Shape is null) return [new ValueInfo(DataType.Int64, [Dim.Unknown])];
        var (start, end) = Range(context.Attributes, context.OperatorVersion, input.Shape.Length);
        var dims = input.Shape[start..end];
        if (dims.All(d => d.IsKnown))
            return [ValueInfo.Of(Tensor.Create([dims.Length], dims.Select(d => d.Value).ToArray()))];
        return [ValueInfo.Known(DataType.Int64, dims.Length)];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var (start, end) = Range(context.Attributes, context.OperatorVersion, input.Rank);
        var output = context.Allocate(DataType.Int64, [end - start]);
        var values = output.Span<long>();
        for (var i = start; i < end; i++) values[i - start] = input.Shape[i];
        context.SetOutput(0, output);
    }

    private static (int Start, int End) Range(NodeAttributes attributes, int version, int rank)
    {
        if (version < 15) return (0, rank);
        var start = Clamp(attributes.GetInt("start", 0), rank);
        var end = Clamp(attributes.GetInt("end", rank), rank);
        return (start, Math.Max(start, end));
    }

    private static int Clamp(long axis, int rank) => (int)Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);
}
