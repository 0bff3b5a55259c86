using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Constant (1, 9, 11, 12, 13): a tensor from <c>value</c>, or (12+) a scalar or 1-D tensor from value_float(s),
/// value_int(s) (int64) or value_string(s). <c>sparse_value</c> (11+) is not supported: the executor has no sparse
/// tensors, and a densified copy would hide the model's intent from the compressor.
/// </summary>
internal sealed class Constant : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var value = Value(context.Attributes, context.Fail);
        return [ValueInfo.Of(value)];
    }

    public void Execute(KernelContext context) => context.SetOutput(0, Value(context.Attributes, context.Fail));

    private static Tensor Value(NodeAttributes attributes, Func<string, KernelException> fail)
    {
        if (attributes.GetTensor("value") is { } proto) return TensorConversion.FromProto(proto);
        if (attributes.Has("sparse_value")) throw fail("sparse_value is not supported (the executor has no sparse tensors)");
        if (attributes.Has("value_float")) return Tensor.Scalar(attributes.GetFloat("value_float", 0));
        if (attributes.GetFloats("value_floats") is { } floats) return Tensor.Create([floats.Length], floats);
        if (attributes.Has("value_int")) return Tensor.Scalar(attributes.GetInt("value_int"));
        if (attributes.GetInts("value_ints") is { } ints) return Tensor.Create([ints.Length], ints);
        if (attributes.Has("value_string")) return Tensor.Scalar(attributes.GetString("value_string", ""));
        if (attributes.GetStrings("value_strings") is { } strings) return Tensor.Create([strings.Length], strings);
        throw fail("none of the value attributes is set");
    }
}
