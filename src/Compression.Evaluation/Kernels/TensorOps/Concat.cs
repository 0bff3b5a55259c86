using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Concat (4, 11 negative axis, 13): joins the inputs along <c>axis</c>; every other extent must agree.</summary>
internal sealed class Concat : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var inputs = Enumerable.Range(0, context.InputCount).Select(context.Input).ToList();
        var type = inputs.FirstOrDefault(i => i is not null)?.ElementType ?? default;
        var rank = inputs.FirstOrDefault(i => i?.Shape is not null)?.Shape!.Length;
        if (rank is null) return [new ValueInfo(type, null)];
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis"), rank.Value);
        var dims = TensorValues.Unknown(rank.Value);
        long sum = 0;
        var sumKnown = true;
        foreach (var input in inputs)
        {
            if (input?.Shape is null) { sumKnown = false; continue; }
            for (var d = 0; d < rank; d++)
                if (d != axis && !dims[d].IsKnown && (input.Shape[d].IsKnown || dims[d].Symbol is null)) dims[d] = input.Shape[d];
            if (input.Shape[axis].IsKnown) sum += input.Shape[axis].Value;
            else sumKnown = false;
        }
        dims[axis] = sumKnown ? sum : Dim.Unknown;
        return [new ValueInfo(type, dims)];
    }

    public void Execute(KernelContext context)
    {
        var first = context.Input(0);
        var rank = first.Rank;
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis"), rank);
        var shape = (int[])first.Shape.Clone();
        shape[axis] = 0;
        var inputs = new Tensor[context.InputCount];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i] = context.Input(i);
            if (input.Rank != rank || input.ElementType != first.ElementType)
                throw context.Fail($"input {i} is {input}, input 0 is {first}");
            for (var d = 0; d < rank; d++)
                if (d != axis && input.Shape[d] != shape[d])
                    throw context.Fail($"input {i} has shape {ShapeMath.Format(input.Shape)}, which differs from input 0 off axis {axis}");
            shape[axis] += input.Shape[axis];
        }
        var output = context.Allocate(first.ElementType, shape);
        var outer = 1;
        for (var d = 0; d < axis; d++) outer *= shape[d];
        var inner = 1;
        for (var d = axis + 1; d < rank; d++) inner *= shape[d];
        var outBlock = shape[axis] * inner;
        var start = 0;
        foreach (var input in inputs)
        {
            var block = input.Shape[axis] * inner;
            for (var o = 0; o < outer; o++)
                Array.Copy(input.Data, o * block, output.Data, o * outBlock + start, block);
            start += block;
        }
        context.SetOutput(0, output);
    }
}
