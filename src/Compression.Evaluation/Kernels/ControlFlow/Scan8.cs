using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>
/// Scan version 8: like later versions but batched. Input 0 is sequence_lens (optional, int64 [batch]); every state
/// value and scan input carries the batch on axis 0 and scan inputs the sequence on axis 1 (the body sees neither).
/// Each batch item runs on its own for its own length (directions reverse per scan input); scan outputs are
/// [batch, max length, ...] with positions past an item's length left zero. Outputs stack batch items in order.
/// </summary>
internal sealed class Scan8 : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var body = context.Attributes.GetGraph("body");
        var scanInputs = (int)context.Attributes.GetInt("num_scan_inputs");
        var state = context.InputCount - 1 - scanInputs;
        var batch = Dim.Unknown;
        var length = Dim.Unknown;
        if (scanInputs > 0 && context.Input(1 + state) is { Shape: { Length: >= 2 } shape })
            (batch, length) = (shape[0], shape[1]);
        var result = new ValueInfo[context.OutputCount];
        for (var i = 0; i < result.Length; i++)
        {
            var declared = Subgraphs.DeclaredOutput(body, i);
            if (declared is null) { result[i] = i < state && context.Input(1 + i) is { } s ? s : new ValueInfo(DataType.Undefined, null); continue; }
            result[i] = i < state
                ? declared with { Shape = Subgraphs.Insert(declared.Shape, 0, batch) }
                : declared with { Shape = Subgraphs.Insert(Subgraphs.Insert(declared.Shape, 0, length), 0, batch) };
        }
        return result;
    }

    public void Execute(KernelContext context)
    {
        var body = context.Attributes.GetGraph("body");
        var scanInputs = (int)context.Attributes.GetInt("num_scan_inputs");
        var state = context.InputCount - 1 - scanInputs;
        var scanOutputs = context.Node.Output.Count - state;
        if (scanInputs < 1 || state < 0 || scanOutputs < 0)
            throw context.Fail($"num_scan_inputs is {scanInputs} with {context.InputCount} inputs and {context.Node.Output.Count} outputs");
        if (body.Input.Count != state + scanInputs || body.Output.Count != state + scanOutputs)
            throw context.Fail($"the body takes {body.Input.Count} inputs and returns {body.Output.Count} outputs; " +
                $"it must take {state + scanInputs} and return {state + scanOutputs}");
        var directions = Scan.Directions(context, "directions", scanInputs);

        var inputs = Enumerable.Range(1, state + scanInputs).Select(context.Input).ToArray();
        foreach (var input in inputs)
            if (input.Rank < 1 || input.Shape[0] != inputs[0].Shape[0])
                throw context.Fail($"every state value and scan input needs the same batch size on axis 0; got {input}");
        var batch = inputs[0].Shape[0];
        var maxLength = -1;
        for (var j = 0; j < scanInputs; j++)
        {
            var sequence = inputs[state + j];
            if (sequence.Rank < 2) throw context.Fail($"scan input {j} needs [batch, sequence, ...], got {sequence}");
            if (maxLength >= 0 && sequence.Shape[1] != maxLength)
                throw context.Fail($"scan inputs disagree on the sequence length ({maxLength} and {sequence.Shape[1]})");
            maxLength = sequence.Shape[1];
        }
        var lengths = new long[batch];
        if (context.OptionalInput(0) is { } given)
        {
            if (given.ElementType != DataType.Int64 || given.Length != batch)
                throw context.Fail($"sequence_lens must be int64 [{batch}], got {given}");
            lengths = given.ToArray<long>();
            foreach (var n in lengths)
                if (n < 0 || n > maxLength) throw context.Fail($"sequence_lens holds {n}, outside [0, {maxLength}]");
        }
        else Array.Fill(lengths, maxLength);

        var zeroAxes = new long[scanOutputs];
        var stateItems = new Tensor[batch][];
        var stackItems = new Tensor[batch][];
        for (var b = 0; b < batch; b++)
        {
            var initial = inputs[..state].Select(t => Subgraphs.Slice(t, 0, b)).ToArray();
            var sequences = inputs[state..].Select(t => Subgraphs.Slice(t, 0, b)).ToArray();
            (stateItems[b], stackItems[b]) = Scan.Iterate(context, body, initial, sequences, new int[scanInputs], directions,
                (int)lengths[b], zeroAxes, zeroAxes);
        }

        for (var i = 0; i < state; i++)
        {
            var first = batch > 0 ? stateItems[0][i] : Subgraphs.Slice(inputs[i], 0, 0);
            var output = context.Allocate(first.ElementType, [batch, .. first.Shape]);
            for (var b = 0; b < batch; b++)
            {
                if (!stateItems[b][i].Shape.AsSpan().SequenceEqual(first.Shape))
                    throw context.Fail($"state {i} ends with different shapes across the batch");
                Subgraphs.Place(output, 0, b, stateItems[b][i]);
            }
            context.SetOutput(i, output);
        }
        for (var k = 0; k < scanOutputs; k++)
        {
            // The item shape comes from any batch item that ran; an item of length 0 says nothing about it.
            var sample = stackItems.Select(s => s[k]).FirstOrDefault(s => s.Shape[0] > 0) ?? (batch > 0 ? stackItems[0][k] : null);
            var itemShape = sample?.Shape[1..] ?? [];
            var output = context.AllocateZeroed(sample?.ElementType ?? DataType.Float, [batch, maxLength, .. itemShape]);
            var itemLength = ShapeMath.ElementCount(itemShape);
            for (var b = 0; b < batch; b++)
            {
                var stack = stackItems[b][k];
                if (stack.Shape[0] == 0) continue;
                if (!stack.Shape.AsSpan(1).SequenceEqual(itemShape) || stack.ElementType != output.ElementType)
                    throw context.Fail($"scan output {k} has different item shapes across the batch");
                Array.Copy(stack.Data, 0, output.Data, (long)b * maxLength * itemLength, stack.Length);
            }
            context.SetOutput(state + k, output);
        }
    }
}
