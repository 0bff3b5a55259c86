using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Recurrent;

/// <summary>
/// What LSTM, GRU and RNN share: the direction, hidden size, layout (14: 0 = sequence-major X [seq, batch, input] and
/// states [dirs, batch, hidden]; 1 = batch-major X [batch, seq, input], states [batch, dirs, hidden], Y [batch, seq,
/// dirs, hidden]), the optional sequence_lens and initial_h, clip, the activations, and the output shapes. Each
/// (direction, batch row) pair is an independent sequence of steps, so kernels run those pairs in parallel; every
/// output element is computed by the same operations whatever the thread count.
/// </summary>
internal sealed class RecurrentFrame
{
    public required int SequenceLength { get; init; }

    public required int Batch { get; init; }

    public required int InputSize { get; init; }

    public required int Hidden { get; init; }

    public required int Directions { get; init; }

    /// <summary>True when the only direction is reverse.</summary>
    public required bool ReverseOnly { get; init; }

    public required bool BatchFirst { get; init; }

    /// <summary>Gate pre-activations are clipped to [−Clip, Clip] before their activation; +∞ when not set.</summary>
    public required float Clip { get; init; }

    public required RecurrentActivation[] Activations { get; init; }

    /// <summary>The data of X, W and R.</summary>
    public required float[] X { get; init; }

    public required float[] W { get; init; }

    public required float[] R { get; init; }

    /// <summary>Gate rows per direction in W and R (LSTM 4, GRU 3, RNN 1).</summary>
    public required int Gates { get; init; }

    /// <summary>B as [directions, 2·Gates·Hidden] (W's biases, then R's), zeros when absent.</summary>
    public float[] Bias { get; private set; } = [];

    /// <summary>initial_h in the state layout, or null (zeros).</summary>
    public float[]? InitialH { get; private set; }

    public ReadOnlySpan<float> WeightsOf(int d) => W.AsSpan(d * Gates * Hidden * InputSize, Gates * Hidden * InputSize);

    public ReadOnlySpan<float> RecurrenceOf(int d) => R.AsSpan(d * Gates * Hidden * Hidden, Gates * Hidden * Hidden);

    public ReadOnlySpan<float> InputBiasOf(int d) => Bias.AsSpan(2 * d * Gates * Hidden, Gates * Hidden);

    public ReadOnlySpan<float> RecurrentBiasOf(int d) => Bias.AsSpan((2 * d + 1) * Gates * Hidden, Gates * Hidden);

    /// <summary>Each batch row's sequence length (all SequenceLength without sequence_lens).</summary>
    public required int[] Lengths { get; init; }

    /// <summary>Whether direction <paramref name="d"/> runs from the last step to the first.</summary>
    public bool IsReverse(int d) => ReverseOnly || d == 1;

    public int XOffset(int t, int b) => (BatchFirst ? b * SequenceLength + t : t * Batch + b) * InputSize;

    public int YOffset(int t, int d, int b) =>
        (BatchFirst ? (b * SequenceLength + t) * Directions + d : (t * Directions + d) * Batch + b) * Hidden;

    /// <summary>Offset of a state vector (initial_h/c, Y_h, Y_c) of direction d and batch row b.</summary>
    public int StateOffset(int d, int b) => (BatchFirst ? b * Directions + d : d * Batch + b) * Hidden;

    public int[] YShape() => BatchFirst
        ? [Batch, SequenceLength, Directions, Hidden]
        : [SequenceLength, Directions, Batch, Hidden];

    public int[] StateShape() => BatchFirst ? [Batch, Directions, Hidden] : [Directions, Batch, Hidden];

    public static int DirectionCount(string direction, Func<string, Exception> fail) => direction switch
    {
        "forward" or "reverse" => 1,
        "bidirectional" => 2,
        _ => throw fail($"direction '{direction}' is not valid"),
    };

    /// <summary>
    /// Reads the node's inputs X, W, R, B, sequence_lens and initial_h (inputs 0-5) and checks the shapes;
    /// <paramref name="gates"/> rows per direction in W.
    /// </summary>
    public static RecurrentFrame Read(KernelContext context, int gates, string[] defaultActivations)
    {
        var a = context.Attributes;
        var x = context.Input(0);
        var w = context.Input(1);
        var r = context.Input(2);
        foreach (var t in new[] { x, w, r })
            if (t.ElementType != DataType.Float) throw context.Fail($"element type {t.ElementType} is not supported (float and float16 only)");
        if (x.Rank != 3) throw context.Fail($"X must have rank 3, has shape {ShapeMath.Format(x.Shape)}");
        var direction = a.GetString("direction", "forward");
        var directions = DirectionCount(direction, context.Fail);
        var batchFirst = context.OperatorVersion >= 14 && a.GetInt("layout", 0) != 0;
        var hidden = checked((int)a.GetInt("hidden_size", w.Rank == 3 ? w.Shape[1] / gates : 0));
        var sequence = batchFirst ? x.Shape[1] : x.Shape[0];
        var batch = batchFirst ? x.Shape[0] : x.Shape[1];
        var input = x.Shape[2];
        if (!w.Shape.SequenceEqual([directions, gates * hidden, input]))
            throw context.Fail($"W has shape {ShapeMath.Format(w.Shape)}, expected [{directions}, {gates * hidden}, {input}]");
        if (!r.Shape.SequenceEqual([directions, gates * hidden, hidden]))
            throw context.Fail($"R has shape {ShapeMath.Format(r.Shape)}, expected [{directions}, {gates * hidden}, {hidden}]");

        var lengths = new int[batch];
        Array.Fill(lengths, sequence);
        if (context.OptionalInput(4) is { } sequenceLens)
        {
            if (sequenceLens.Length != batch) throw context.Fail($"sequence_lens has {sequenceLens.Length} values for batch {batch}");
            for (var b = 0; b < batch; b++)
            {
                var length = sequenceLens.ElementType switch
                {
                    DataType.Int32 => sequenceLens.ReadOnlySpan<int>()[b],
                    DataType.Int64 => checked((int)sequenceLens.ReadOnlySpan<long>()[b]),
                    _ => throw context.Fail($"sequence_lens of type {sequenceLens.ElementType} is not supported"),
                };
                if (length < 0 || length > sequence) throw context.Fail($"sequence_lens[{b}] = {length} is outside [0, {sequence}]");
                lengths[b] = length;
            }
        }
        var clip = a.Has("clip") ? a.GetFloat("clip", 0f) : float.PositiveInfinity;
        if (clip <= 0f) throw context.Fail("clip must be positive");
        var frame = new RecurrentFrame
        {
            Gates = gates,
            SequenceLength = sequence,
            Batch = batch,
            InputSize = input,
            Hidden = hidden,
            Directions = directions,
            ReverseOnly = direction == "reverse",
            BatchFirst = batchFirst,
            Clip = clip,
            Activations = RecurrentActivation.Read(a.GetStrings("activations"), a.GetFloats("activation_alpha"),
                a.GetFloats("activation_beta"), defaultActivations, directions, context.Fail),
            Lengths = lengths,
            X = (float[])x.Data,
            W = (float[])w.Data,
            R = (float[])r.Data,
        };
        frame.Bias = frame.Vector(context, 3, 2 * gates * hidden, "B");
        frame.InitialH = frame.State(context, 5, "initial_h");
        return frame;
    }

    /// <summary>
    /// An optional per-direction vector input (B, P): its values as [directions, width], or zeros when absent.
    /// </summary>
    public float[] Vector(KernelContext context, int index, int width, string name)
    {
        if (context.OptionalInput(index) is not { } t) return new float[Directions * width];
        if (t.ElementType != DataType.Float) throw context.Fail($"{name} has element type {t.ElementType}, expected float");
        if (!t.Shape.SequenceEqual([Directions, width]))
            throw context.Fail($"{name} has shape {ShapeMath.Format(t.Shape)}, expected [{Directions}, {width}]");
        return t.ToArray<float>();
    }

    /// <summary>An optional initial state (initial_h, initial_c) in the state layout, or null when absent (zeros).</summary>
    public float[]? State(KernelContext context, int index, string name)
    {
        if (context.OptionalInput(index) is not { } t) return null;
        if (t.ElementType != DataType.Float) throw context.Fail($"{name} has element type {t.ElementType}, expected float");
        if (!t.Shape.SequenceEqual(StateShape()))
            throw context.Fail($"{name} has shape {ShapeMath.Format(t.Shape)}, expected {ShapeMath.Format(StateShape())}");
        return (float[])t.Data;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(direction, batch row) for every independent sequence, split over threads; each
    /// sequence is computed whole by one call, so results do not depend on the thread count.
    /// </summary>
    public void ForEachSequence(Parallelism parallelism, Action<int, int> body) =>
        parallelism.For(Directions * Batch, item => body(item / Batch, item % Batch),
            (long)SequenceLength * Gates * Hidden * (InputSize + Hidden));

    /// <summary>Y and the state outputs (Y_h, then Y_c for LSTM), allocated in the layout's shapes.</summary>
    public (Tensor Y, Tensor[] States) AllocateOutputs(KernelContext context, int states)
    {
        var y = context.Allocate(DataType.Float, YShape());
        var result = new Tensor[states];
        for (var i = 0; i < states; i++) result[i] = context.Allocate(DataType.Float, StateShape());
        return (y, result);
    }

    /// <summary>Sets Y and the state outputs on the context.</summary>
    public static void SetOutputs(KernelContext context, Tensor y, Tensor[] states)
    {
        context.SetOutput(0, y);
        for (var i = 0; i < states.Length; i++) context.SetOutput(i + 1, states[i]);
    }

    /// <summary>A state vector of direction d and batch row b from an initial state, or zeros when there is none.</summary>
    public float[] InitialState(float[]? initial, int d, int b)
    {
        var state = new float[Hidden];
        if (initial is not null) Array.Copy(initial, StateOffset(d, b), state, 0, Hidden);
        return state;
    }

    /// <summary>The time step of iteration <paramref name="i"/> of direction d for a row of the given length.</summary>
    public int Step(int d, int i, int length) => IsReverse(d) ? length - 1 - i : i;

    /// <summary>Clips a vector of gate pre-activations to [−Clip, Clip] (a no-op without clip).</summary>
    public void ClipInPlace(Span<float> values)
    {
        if (float.IsPositiveInfinity(Clip)) return;
        for (var i = 0; i < values.Length; i++) values[i] = Math.Clamp(values[i], -Clip, Clip);
    }

    /// <summary>
    /// Y's rows past a batch row's length are zero (the steps were not run); kernels write the rows they run.
    /// </summary>
    public void ZeroUnrunSteps(float[] y, int d, int b)
    {
        for (var t = Lengths[b]; t < SequenceLength; t++) Array.Clear(y, YOffset(t, d, b), Hidden);
    }

    /// <summary>
    /// For direction d, gates[row] = Σ_k W[row, k]·x[k] + Σ_k R[row, k]·h[k] + Wb[row] + Rb[row] for the first
    /// gates.Length rows, with both sums in ascending k into one float accumulator, then the two biases added in that
    /// order: a fixed order, so results do not depend on threads or hardware.
    /// </summary>
    public void Project(int d, ReadOnlySpan<float> x, ReadOnlySpan<float> h, Span<float> gates)
    {
        ReadOnlySpan<float> w = WeightsOf(d), r = RecurrenceOf(d), wb = InputBiasOf(d), rb = RecurrentBiasOf(d);
        var inputSize = x.Length;
        var hidden = h.Length;
        for (var row = 0; row < gates.Length; row++)
        {
            var wRow = w.Slice(row * inputSize, inputSize);
            var rRow = r.Slice(row * hidden, hidden);
            var sum = 0f;
            for (var k = 0; k < inputSize; k++) sum += wRow[k] * x[k];
            for (var k = 0; k < hidden; k++) sum += rRow[k] * h[k];
            gates[row] = sum + wb[row] + rb[row];
        }
    }

    /// <summary>Shape rule shared by the three operators: Y, then one or two state outputs, all of X's element type.</summary>
    public static IReadOnlyList<ValueInfo> Infer(InferenceContext context, int gates, int stateOutputs)
    {
        var a = context.Attributes;
        var x = context.Input(0);
        var w = context.Input(1);
        var type = x?.ElementType ?? DataType.Undefined;
        var directions = (Dim)DirectionCount(a.GetString("direction", "forward"), context.Fail);
        var batchFirst = context.OperatorVersion >= 14 && a.GetInt("layout", 0) != 0;
        Dim hidden = a.Has("hidden_size") ? a.GetInt("hidden_size")
            : w?.Shape is { Length: 3 } ws && ws[1].IsKnown ? ws[1].Value / gates : Dim.Unknown;
        Dim sequence = Dim.Unknown, batch = Dim.Unknown;
        if (x?.Shape is { Length: 3 } xs)
        {
            sequence = batchFirst ? xs[1] : xs[0];
            batch = batchFirst ? xs[0] : xs[1];
        }
        var result = new List<ValueInfo>
        {
            new(type, batchFirst ? [batch, sequence, directions, hidden] : [sequence, directions, batch, hidden]),
        };
        for (var i = 0; i < stateOutputs; i++)
            result.Add(new ValueInfo(type, batchFirst ? [batch, directions, hidden] : [directions, batch, hidden]));
        return result.Take(Math.Max(1, context.OutputCount)).ToList();
    }
}
