using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.Recurrent;

/// <summary>
/// GRU (7; 14 adds layout). Gates in ONNX's order z, r, h; optional B [dirs, 6H], sequence_lens and initial_h.
/// linear_before_reset = 0 applies the reset gate to the state before the recurrence (R_h·(r ⊙ H)), otherwise to the
/// recurrence's result (r ⊙ (R_h·H + Rb_h)). Activations f, g per direction (default Sigmoid, Tanh); clip bounds every
/// gate pre-activation. Steps past a row's sequence length leave Y zero; Y_h holds the state after the last step.
/// </summary>
internal sealed class Gru : IKernel
{
    private static readonly string[] DefaultActivations = ["Sigmoid", "Tanh"];

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => RecurrentFrame.Infer(context, 3, 1);

    public void Execute(KernelContext context)
    {
        var frame = RecurrentFrame.Read(context, 3, DefaultActivations);
        int hidden = frame.Hidden, inputSize = frame.InputSize;
        var x = frame.X;
        var linearBeforeReset = context.Attributes.GetInt("linear_before_reset", 0) != 0;

        var (y, states) = frame.AllocateOutputs(context, 1);
        var ys = (float[])y.Data;
        var yhs = (float[])states[0].Data;

        frame.ForEachSequence(context.Parallelism, (d, b) =>
        {
            var wh = frame.WeightsOf(d).Slice(2 * hidden * inputSize);
            var rh = frame.RecurrenceOf(d).Slice(2 * hidden * hidden);
            var wb = frame.InputBiasOf(d);
            var rb = frame.RecurrentBiasOf(d);
            var f = frame.Activations[2 * d];
            var g = frame.Activations[2 * d + 1];

            var state = frame.StateOffset(d, b);
            var h = frame.InitialState(frame.InitialH, d, b);
            var zr = new float[2 * hidden];
            var candidate = new float[hidden];
            var reset = new float[hidden];
            var gz = zr.AsSpan(0, hidden);
            var gr = zr.AsSpan(hidden, hidden);

            var length = frame.Lengths[b];
            for (var i = 0; i < length; i++)
            {
                var t = frame.Step(d, i, length);
                var xt = x.AsSpan(frame.XOffset(t, b), inputSize);
                frame.Project(d, xt, h, zr);
                frame.ClipInPlace(zr);
                f.Apply(zr);
                if (!linearBeforeReset)
                    for (var j = 0; j < hidden; j++) reset[j] = gr[j] * h[j];
                for (var j = 0; j < hidden; j++)
                {
                    // The input part and the recurrent part are summed separately (each in ascending k), as the
                    // reset gate scales one of them; then W's bias, then the recurrent part.
                    var xRow = wh.Slice(j * inputSize, inputSize);
                    var rRow = rh.Slice(j * hidden, hidden);
                    var fromInput = 0f;
                    for (var k = 0; k < inputSize; k++) fromInput += xRow[k] * xt[k];
                    var fromState = 0f;
                    if (linearBeforeReset)
                    {
                        for (var k = 0; k < hidden; k++) fromState += rRow[k] * h[k];
                        fromState = gr[j] * (fromState + rb[2 * hidden + j]);
                    }
                    else
                    {
                        for (var k = 0; k < hidden; k++) fromState += rRow[k] * reset[k];
                        fromState += rb[2 * hidden + j];
                    }
                    candidate[j] = fromInput + wb[2 * hidden + j] + fromState;
                }
                frame.ClipInPlace(candidate);
                g.Apply(candidate);
                var yRow = ys.AsSpan(frame.YOffset(t, d, b), hidden);
                for (var j = 0; j < hidden; j++)
                {
                    h[j] = (1f - gz[j]) * candidate[j] + gz[j] * h[j];
                    yRow[j] = h[j];
                }
            }
            frame.ZeroUnrunSteps(ys, d, b);
            // A row of length zero runs no step; its final state is zero, not the initial state (as ONNX Runtime).
            if (length == 0) Array.Clear(h);
            h.CopyTo(yhs, state);
        });

        RecurrentFrame.SetOutputs(context, y, states);
    }
}
