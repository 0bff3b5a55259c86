using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>
/// Scan (9, 11, 16): N state values and M scan inputs (num_scan_inputs); the body runs once per position along each
/// scan input's axis (scan_input_axes, default 0; scan_input_directions 1 walks backwards), taking (state..., slices...)
/// and returning (state..., items...). Outputs are the final state and the items stacked along scan_output_axes
/// (default 0; scan_output_directions 1 stacks them backwards). Version 11 allows negative axes; 16 only widens the
/// types. Version 8, with a batch axis and sequence_lens, is <see cref="Scan8"/>.
/// </summary>
internal sealed class Scan : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var body = context.Attributes.GetGraph("body");
        var scanInputs = (int)context.Attributes.GetInt("num_scan_inputs");
        var state = context.InputCount - scanInputs;
        var inputAxes = context.Attributes.GetInts("scan_input_axes");
        var outputAxes = context.Attributes.GetInts("scan_output_axes");

        // The sequence length, when the first scan input's shape knows it.
        var length = Dim.Unknown;
        if (scanInputs > 0 && context.Input(state) is { Shape: { } shape })
        {
            var axis = inputAxes is { Length: > 0 } ? inputAxes[0] : 0;
            if (axis < 0) axis += shape.Length;
            if (axis >= 0 && axis < shape.Length) length = shape[axis];
        }

        var result = new ValueInfo[context.OutputCount];
        for (var i = 0; i < result.Length; i++)
        {
            var declared = Subgraphs.DeclaredOutput(body, i);
            if (i < state)
            {
                var initial = context.Input(i);
                result[i] = (declared is null ? initial : Subgraphs.Join(declared, initial)) ?? new ValueInfo(DataType.Undefined, null);
                continue;
            }
            if (declared is null) { result[i] = new ValueInfo(DataType.Undefined, null); continue; }
            var k = i - state;
            long axis = outputAxes is { } a && k < a.Length ? a[k] : 0;
            var rank = declared.Shape?.Length;
            if (axis < 0 && rank is { } r) axis += r + 1;
            result[i] = declared with { Shape = Subgraphs.Insert(declared.Shape, (int)axis, length) };
        }
        return result;
    }

    public void Execute(KernelContext context)
    {
        var body = context.Attributes.GetGraph("body");
        var scanInputs = (int)context.Attributes.GetInt("num_scan_inputs");
        var state = context.InputCount - scanInputs;
        var scanOutputs = context.Node.Output.Count - state;
        if (scanInputs < 1 || state < 0 || scanOutputs < 0)
            throw context.Fail($"num_scan_inputs is {scanInputs} with {context.InputCount} inputs and {context.Node.Output.Count} outputs");
        if (body.Input.Count != state + scanInputs || body.Output.Count != state + scanOutputs)
            throw context.Fail($"the body takes {body.Input.Count} inputs and returns {body.Output.Count} outputs; " +
                $"it must take {state + scanInputs} and return {state + scanOutputs}");

        var inputAxes = Axes(context, "scan_input_axes", scanInputs);
        var inputDirections = Directions(context, "scan_input_directions", scanInputs);
        var outputAxes = Axes(context, "scan_output_axes", scanOutputs);
        var outputDirections = Directions(context, "scan_output_directions", scanOutputs);

        var sequences = new Tensor[scanInputs];
        var sequenceAxes = new int[scanInputs];
        var length = -1;
        for (var j = 0; j < scanInputs; j++)
        {
            var input = sequences[j] = context.Input(state + j);
            sequenceAxes[j] = NormalizeAxis(context, inputAxes[j], input.Rank, $"scan_input_axes[{j}]");
            var n = input.Shape[sequenceAxes[j]];
            if (length >= 0 && n != length)
                throw context.Fail($"scan inputs disagree on the sequence length ({length} and {n})");
            length = n;
        }

        var (values, stacks) = Iterate(context, body, Enumerable.Range(0, state).Select(context.Input).ToArray(),
            sequences, sequenceAxes, inputDirections, length, outputAxes, outputDirections);
        for (var i = 0; i < state; i++) context.SetOutput(i, values[i]);
        for (var k = 0; k < scanOutputs; k++) context.SetOutput(state + k, stacks[k]);
    }

    /// <summary>
    /// Runs the body <paramref name="length"/> times over the slices of <paramref name="sequences"/>; returns the final
    /// state and each scan output's items stacked along its axis. Shared with Scan 8, which calls it once per batch item.
    /// </summary>
    internal static (Tensor[] State, Tensor[] Stacks) Iterate(KernelContext context, Onnx.Protobuf.GraphProto body,
        Tensor[] initial, Tensor[] sequences, int[] sequenceAxes, long[] inputDirections, int length,
        long[] outputAxes, long[] outputDirections)
    {
        var state = initial.Length;
        var scanInputs = sequences.Length;
        var scanOutputs = outputAxes.Length;
        var values = (Tensor[])initial.Clone();
        var stacks = new Tensor?[scanOutputs];
        var stackAxes = new int[scanOutputs];
        var bodyInputs = new Tensor?[state + scanInputs];
        for (var t = 0; t < length; t++)
        {
            for (var i = 0; i < state; i++) bodyInputs[i] = Subgraphs.Detach(values[i]);
            for (var j = 0; j < scanInputs; j++)
            {
                var position = inputDirections[j] == 1 ? length - 1 - t : t;
                bodyInputs[state + j] = Subgraphs.Slice(sequences[j], sequenceAxes[j], position);
            }
            var outputs = context.RunSubgraph(body, bodyInputs);
            for (var i = 0; i < state; i++) values[i] = outputs[i];
            for (var k = 0; k < scanOutputs; k++)
            {
                var item = outputs[state + k];
                if (stacks[k] is null)
                {
                    stackAxes[k] = NormalizeAxis(context, outputAxes[k], item.Rank + 1, $"scan_output_axes[{k}]");
                    var axis = stackAxes[k];
                    stacks[k] = context.Allocate(item.ElementType, [.. item.Shape[..axis], length, .. item.Shape[axis..]]);
                }
                var stack = stacks[k]!;
                if (item.ElementType != stack.ElementType || !Subgraphs.FitsAlong(stack.Shape, stackAxes[k], item.Shape))
                    throw context.Fail($"scan output {k} changes between iterations: {item} does not fit {stack}");
                Subgraphs.Place(stack, stackAxes[k], outputDirections[k] == 1 ? length - 1 - t : t, item);
            }
        }

        var result = new Tensor[scanOutputs];
        for (var k = 0; k < scanOutputs; k++)
        {
            if (stacks[k] is { } stack) { result[k] = stack; continue; }
            var (type, shape) = Subgraphs.EmptyStack(body, state + k, (int)outputAxes[k]);
            result[k] = context.Allocate(type, shape);
        }
        return (values, result);
    }

    internal static long[] Axes(KernelContext context, string name, int count)
    {
        var axes = context.Attributes.GetInts(name) ?? new long[count];
        if (axes.Length != count) throw context.Fail($"{name} has {axes.Length} entries, expected {count}");
        return axes;
    }

    internal static long[] Directions(KernelContext context, string name, int count)
    {
        var directions = Axes(context, name, count);
        foreach (var d in directions)
            if (d is not (0 or 1)) throw context.Fail($"{name} holds {d}; directions are 0 (forward) or 1 (reverse)");
        return directions;
    }

    private static int NormalizeAxis(KernelContext context, long axis, int rank, string what)
    {
        // Version 9 allows only non-negative axes; 11 counts negative ones from the end.
        if (axis < 0 && context.OperatorVersion < 11)
            throw context.Fail($"{what} is {axis}; negative axes need Scan version 11");
        var normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= rank) throw context.Fail($"{what} is {axis}, outside a rank-{rank} shape");
        return (int)normalized;
    }
}
