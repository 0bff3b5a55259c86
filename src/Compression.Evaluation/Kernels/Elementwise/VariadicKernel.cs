using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Min, Max, Sum, Mean over any number of inputs with multidirectional broadcasting. The inputs are folded left to
/// right, ((x0 ∘ x1) ∘ x2) ∘ …, straight into the output (the first step broadcasts into the full output shape, later
/// steps update it in place), so every element sees the same operations in the same order. Mean then divides by the
/// input count. Version 6 requires equal shapes, which the broadcast rule accepts unchanged.
/// </summary>
internal sealed class VariadicKernel<TOp> : IKernel where TOp : struct, IBinaryOperation
{
    private readonly bool _mean;

    public VariadicKernel(bool mean = false) => _mean = mean;

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        if (context.InputCount == 0) throw context.Fail("at least one input is required");
        var first = context.Input(0);
        var shape = first?.Shape;
        for (var i = 1; i < context.InputCount; i++) shape = Broadcasting.Infer(shape, context.Input(i)?.Shape);
        return [new ValueInfo(first?.ElementType ?? DataType.Undefined, shape)];
    }

    public void Execute(KernelContext context)
    {
        var inputs = new Tensor[context.InputCount];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = context.Input(i);
        if (inputs.Length == 0) throw context.Fail("at least one input is required");
        var type = inputs[0].ElementType;
        var shape = inputs[0].Shape;
        foreach (var t in inputs)
        {
            if (t.ElementType != type) throw context.Fail($"inputs have different element types ({type} and {t.ElementType})");
            shape = ShapeMath.Broadcast(shape, t.Shape) ?? throw context.Fail($"input shapes do not broadcast ({ShapeMath.Format(t.Shape)})");
        }
        if (inputs.Length == 1)
        {
            // One input: the result is the input itself (x/1 is exact for Mean too).
            context.SetOutput(0, inputs[0]);
            return;
        }
        var output = context.Allocate(type, shape);
        var p = context.Parallelism;
        switch (type)
        {
            case DataType.Float: Fold<float>(inputs, output, p); break;
            case DataType.Double: Fold<double>(inputs, output, p); break;
            case DataType.Float16 or DataType.Bfloat16:
            {
                // Computed in float and rounded once at the end, not after every input.
                var floats = new Tensor[inputs.Length];
                for (var i = 0; i < inputs.Length; i++) floats[i] = Tensor.Create(inputs[i].Shape, FloatData.Of(inputs[i]));
                var result = Tensor.Create(shape, new float[output.Length]);
                Fold<float>(floats, result, p);
                FloatData.Store(result.ReadOnlySpan<float>(), output);
                break;
            }
            case DataType.Int8: Fold<sbyte>(inputs, output, p); break;
            case DataType.Uint8: Fold<byte>(inputs, output, p); break;
            case DataType.Int16: Fold<short>(inputs, output, p); break;
            case DataType.Uint16: Fold<ushort>(inputs, output, p); break;
            case DataType.Int32: Fold<int>(inputs, output, p); break;
            case DataType.Uint32: Fold<uint>(inputs, output, p); break;
            case DataType.Int64: Fold<long>(inputs, output, p); break;
            case DataType.Uint64: Fold<ulong>(inputs, output, p); break;
            default: throw context.Fail($"element type {type} is not supported");
        }
        context.SetOutput(0, output);
    }

    private void Fold<T>(Tensor[] inputs, Tensor output, Parallelism p) where T : INumber<T>
    {
        var r = (T[])output.Data;
        BinaryLoop.Run<T, T, T, Arithmetic<TOp, T>>((T[])inputs[0].Data, inputs[0].Shape, (T[])inputs[1].Data,
            inputs[1].Shape, r, output.Shape, p);
        // Later inputs update the output in place: each element is read before it is written, at the same index.
        for (var i = 2; i < inputs.Length; i++)
            BinaryLoop.Run<T, T, T, Arithmetic<TOp, T>>(r, output.Shape, (T[])inputs[i].Data, inputs[i].Shape, r,
                output.Shape, p);
        if (_mean)
        {
            var count = T.CreateTruncating(inputs.Length);
            var span = output.Span<T>();
            for (var i = 0; i < span.Length; i++) span[i] /= count;
        }
    }
}
