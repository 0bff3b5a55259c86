using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.Recurrent;

/// <summary>
/// LSTM (7; 14 adds layout). Gates in ONNX's order i, o, f, c; optional B [dirs, 8H], sequence_lens, initial_h,
/// initial_c and peepholes P [dirs, 3H] (i, o, f); input_forget couples the forget gate to 1 − i; clip bounds every gate
/// pre-activation (after the peephole term). Activations f, g, h per direction (default Sigmoid, Tanh, Tanh). Steps past
/// a row's sequence length leave Y zero, and Y_h/Y_c hold the state after the row's last step.
/// </summary>
internal sealed class Lstm : IKernel
{
    private static readonly string[] DefaultActivations = ["Sigmoid", "Tanh", "Tanh"];

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => RecurrentFrame.Infer(context, 4, 2);

    public void Execute(KernelContext context)
    {
        var frame = RecurrentFrame.Read(context, 4, DefaultActivations);
        int hidden = frame.Hidden, inputSize = frame.InputSize;
        var x = frame.X;
        var initialC = frame.State(context, 6, "initial_c");
        var peepholes = frame.Vector(context, 7, 3 * hidden, "P");
        var inputForget = context.Attributes.GetInt("input_forget", 0) != 0;

        var (y, states) = frame.AllocateOutputs(context, 2);
        var ys = (float[])y.Data;
        var yhs = (float[])states[0].Data;
        var ycs = (float[])states[1].Data;

        frame.ForEachSequence(context.Parallelism, (d, b) =>
        {
            var pi = peepholes.AsSpan(d * 3 * hidden, hidden);
            var po = peepholes.AsSpan(d * 3 * hidden + hidden, hidden);
            var pf = peepholes.AsSpan(d * 3 * hidden + 2 * hidden, hidden);
            var f = frame.Activations[3 * d];
            var g = frame.Activations[3 * d + 1];
            var hAct = frame.Activations[3 * d + 2];

            var state = frame.StateOffset(d, b);
            var h = frame.InitialState(frame.InitialH, d, b);
            var c = frame.InitialState(initialC, d, b);
            var gates = new float[4 * hidden];
            var cellOut = new float[hidden];
            var gi = gates.AsSpan(0, hidden);
            var go = gates.AsSpan(hidden, hidden);
            var gf = gates.AsSpan(2 * hidden, hidden);
            var gc = gates.AsSpan(3 * hidden, hidden);

            var length = frame.Lengths[b];
            for (var i = 0; i < length; i++)
            {
                var t = frame.Step(d, i, length);
                frame.Project(d, x.AsSpan(frame.XOffset(t, b), inputSize), h, gates);
                for (var j = 0; j < hidden; j++)
                {
                    gi[j] += pi[j] * c[j];
                    gf[j] += pf[j] * c[j];
                }
                frame.ClipInPlace(gi);
                frame.ClipInPlace(gf);
                frame.ClipInPlace(gc);
                f.Apply(gi);
                if (inputForget)
                    for (var j = 0; j < hidden; j++) gf[j] = 1f - gi[j];
                else
                    f.Apply(gf);
                g.Apply(gc);
                for (var j = 0; j < hidden; j++)
                {
                    c[j] = gf[j] * c[j] + gi[j] * gc[j];
                    go[j] += po[j] * c[j];
                }
                frame.ClipInPlace(go);
                f.Apply(go);
                c.CopyTo(cellOut, 0);
                hAct.Apply(cellOut);
                var yRow = ys.AsSpan(frame.YOffset(t, d, b), hidden);
                for (var j = 0; j < hidden; j++)
                {
                    h[j] = go[j] * cellOut[j];
                    yRow[j] = h[j];
                }
            }
            frame.ZeroUnrunSteps(ys, d, b);
            // A row of length zero runs no step; its final state is zero, not the initial state (as ONNX Runtime).
            if (length == 0) Array.Clear(h);
            h.CopyTo(yhs, state);
            if (length == 0) Array.Clear(c);
            c.CopyTo(ycs, state);
        });

        RecurrentFrame.SetOutputs(context, y, states);
    }
}
