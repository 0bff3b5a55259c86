using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.Recurrent;

/// <summary>
/// RNN (7; 14 adds layout): H_t = f(W·x_t + R·H_{t−1} + Wb + Rb), f per direction (default Tanh), with optional B
/// [dirs, 2H], sequence_lens and initial_h; clip bounds the pre-activation. Steps past a row's sequence length leave Y
/// zero; Y_h holds the state after the last step.
/// </summary>
internal sealed class Rnn : IKernel
{
    private static readonly string[] DefaultActivations = ["Tanh"];

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => RecurrentFrame.Infer(context, 1, 1);

    public void Execute(KernelContext context)
    {
        var frame = RecurrentFrame.Read(context, 1, DefaultActivations);
        int hidden = frame.Hidden, inputSize = frame.InputSize;
        var x = frame.X;

        var (y, states) = frame.AllocateOutputs(context, 1);
        var ys = (float[])y.Data;
        var yhs = (float[])states[0].Data;

        frame.ForEachSequence(context.Parallelism, (d, b) =>
        {
            var f = frame.Activations[d];

            var state = frame.StateOffset(d, b);
            var h = frame.InitialState(frame.InitialH, d, b);
            var next = new float[hidden];

            var length = frame.Lengths[b];
            for (var i = 0; i < length; i++)
            {
                var t = frame.Step(d, i, length);
                frame.Project(d, x.AsSpan(frame.XOffset(t, b), inputSize), h, next);
                frame.ClipInPlace(next);
                f.Apply(next);
                (h, next) = (next, h);
                h.CopyTo(ys, frame.YOffset(t, d, b));
            }
            frame.ZeroUnrunSteps(ys, d, b);
            // A row of length zero runs no step; its final state is zero, not the initial state (as ONNX Runtime).
            if (length == 0) Array.Clear(h);
            h.CopyTo(yhs, state);
        });

        RecurrentFrame.SetOutputs(context, y, states);
    }
}
