using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

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
        int hidden = frame.Hidden, inputSize = frame.InputSize, batch = frame.Batch;
        var x = (float[])context.Input(0).Data;
        var w = (float[])context.Input(1).Data;
        var r = (float[])context.Input(2).Data;
        var bias = frame.Vector(context, 3, 2 * hidden, "B");
        var initialH = frame.State(context, 5, "initial_h");

        var y = context.Allocate(DataType.Float, frame.YShape());
        var yh = context.Allocate(DataType.Float, frame.StateShape());
        var ys = (float[])y.Data;
        var yhs = (float[])yh.Data;

        context.Parallelism.For(frame.Directions * batch, item =>
        {
            var d = item / batch;
            var b = item % batch;
            var wd = w.AsSpan(d * hidden * inputSize, hidden * inputSize);
            var rd = r.AsSpan(d * hidden * hidden, hidden * hidden);
            var wb = bias.AsSpan(d * 2 * hidden, hidden);
            var rb = bias.AsSpan(d * 2 * hidden + hidden, hidden);
            var f = frame.Activations[d];

            var state = frame.StateOffset(d, b);
            var h = new float[hidden];
            if (initialH is not null) Array.Copy(initialH, state, h, 0, hidden);
            var next = new float[hidden];

            var length = frame.Lengths[b];
            for (var i = 0; i < length; i++)
            {
                var t = frame.Step(d, i, length);
                RecurrentFrame.Project(wd, rd, wb, rb, x.AsSpan(frame.XOffset(t, b), inputSize), h, next);
                frame.ClipInPlace(next);
                f.Apply(next);
                (h, next) = (next, h);
                h.CopyTo(ys, frame.YOffset(t, d, b));
            }
            frame.ZeroUnrunSteps(ys, d, b);
            // A row of length zero runs no step; its final state is zero, not the initial state (as ONNX Runtime).
            if (length == 0) Array.Clear(h);
            h.CopyTo(yhs, state);
        }, (long)frame.SequenceLength * hidden * (inputSize + hidden));

        context.SetOutput(0, y);
        context.SetOutput(1, yh);
    }
}
