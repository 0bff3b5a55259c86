using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>
/// Loop (1, 11, 13, 16): inputs M (trip count, optional), cond (optional), then N loop-carried values; the body takes
/// (iteration, cond, v...) and returns (cond, v..., scan items...). Outputs are the final v and each scan output's items
/// stacked on a new axis 0. With M absent it is a while loop; with cond absent the body's cond is ignored (a for loop).
/// The versions differ in the types allowed (11 lets loop-carried shapes change between iterations; 13 and 16 add
/// sequences and optionals, which are not tensors); for tensors one kernel serves all four.
/// </summary>
internal sealed class Loop : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var body = context.Attributes.GetGraph("body");
        var carried = context.InputCount - 2;
        var result = new ValueInfo[context.OutputCount];
        for (var i = 0; i < result.Length; i++)
        {
            var declared = Subgraphs.DeclaredOutput(body, i + 1);
            if (i < carried)
            {
                // The final value is either the initial one (no iteration) or a body output: known where they agree.
                var initial = context.Input(i + 2);
                result[i] = (declared is null ? initial : Subgraphs.Join(declared, initial))
                    ?? new ValueInfo(DataType.Undefined, null);
            }
            else
            {
                result[i] = declared is null
                    ? new ValueInfo(DataType.Undefined, null)
                    : declared with { Shape = Subgraphs.Insert(declared.Shape, 0, Dim.Unknown) };
            }
        }
        return result;
    }

    public void Execute(KernelContext context)
    {
        var body = context.Attributes.GetGraph("body");
        var carried = Math.Max(0, context.InputCount - 2);
        var scanned = context.Node.Output.Count - carried;
        if (scanned < 0 || body.Input.Count != carried + 2 || body.Output.Count != carried + 1 + scanned)
            throw context.Fail($"the body takes {body.Input.Count} inputs and returns {body.Output.Count} outputs; " +
                $"with {carried} loop-carried values it must take {carried + 2} and return {carried + 1 + scanned}");

        long? tripCount = context.OptionalInput(0) is { } m ? TripCount(context, m) : null;
        var conditionInput = context.OptionalInput(1);
        if (tripCount is null && conditionInput is null)
            throw context.Fail("neither a trip count nor a condition is given: the loop would never end");
        var condition = conditionInput is null || Subgraphs.Condition(context, conditionInput, "the condition");

        var values = new Tensor[carried];
        for (var i = 0; i < carried; i++) values[i] = context.Input(i + 2);
        var items = new List<Tensor>[scanned];
        for (var k = 0; k < scanned; k++) items[k] = [];

        var bodyInputs = new Tensor?[carried + 2];
        for (long iteration = 0; (tripCount is null || iteration < tripCount) && condition; iteration++)
        {
            bodyInputs[0] = Tensor.Scalar(iteration);
            bodyInputs[1] = Tensor.Scalar(condition);
            for (var i = 0; i < carried; i++) bodyInputs[i + 2] = Subgraphs.Detach(values[i]);
            var outputs = context.RunSubgraph(body, bodyInputs);
            // A for loop (no cond input) ignores the body's cond, as the spec's pseudo-code says.
            if (conditionInput is not null) condition = Subgraphs.Condition(context, outputs[0], "the body's condition output");
            for (var i = 0; i < carried; i++) values[i] = outputs[i + 1];
            for (var k = 0; k < scanned; k++)
            {
                var item = outputs[carried + 1 + k];
                if (items[k].Count > 0 && !items[k][0].Shape.AsSpan().SequenceEqual(item.Shape))
                    throw context.Fail($"scan output {k} changes shape between iterations " +
                        $"({ShapeMath.Format(items[k][0].Shape)}, then {ShapeMath.Format(item.Shape)})");
                items[k].Add(item);
            }
        }

        for (var i = 0; i < carried; i++) context.SetOutput(i, values[i]);
        for (var k = 0; k < scanned; k++) context.SetOutput(carried + k, Stack(context, body, carried + 1 + k, items[k]));
    }

    private static long TripCount(KernelContext context, Tensor m)
    {
        if (m.ElementType != DataType.Int64 || m.Length != 1)
            throw context.Fail($"the trip count M must be a single int64, got {m}");
        return ((long[])m.Data)[0];
    }

    private static Tensor Stack(KernelContext context, Onnx.Protobuf.GraphProto body, int outputIndex, List<Tensor> items)
    {
        if (items.Count == 0)
        {
            var (type, shape) = Subgraphs.EmptyStack(body, outputIndex, 0);
            return context.Allocate(type, shape);
        }
        var first = items[0];
        var result = context.Allocate(first.ElementType, [items.Count, .. first.Shape]);
        for (var t = 0; t < items.Count; t++)
            Array.Copy(items[t].Data, 0, result.Data, (long)t * first.Length, first.Length);
        return result;
    }
}
