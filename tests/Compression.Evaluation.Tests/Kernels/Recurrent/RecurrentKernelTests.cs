using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.Recurrent.OpRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Recurrent;

public class RecurrentKernelTests
{
    private const int Seq = 4, Batch = 2, Input = 3, Hidden = 2;

    private static Tensor[] Weights(string op, int directions, int seed)
    {
        var gates = op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        return [Random(seed, directions, gates * Hidden, Input), Random(seed + 1, directions, gates * Hidden, Hidden),
            Random(seed + 2, directions, 2 * gates * Hidden)];
    }

    private static int Outputs(string op) => op == "LSTM" ? 3 : 2;

    [Fact]
    public void Rnn_one_step_is_tanh_of_both_projections_and_both_biases()
    {
        var y = Run("RNN", 14, [Tensor.Create([1, 1, 1], new[] { 1f }), Tensor.Create([1, 1, 1], new[] { 0.5f }),
            Tensor.Create([1, 1, 1], new[] { 2f }), Tensor.Create([1, 2], new[] { 0.1f, 0.2f }), null,
            Tensor.Create([1, 1, 1], new[] { 0.3f })], 2, ("hidden_size", 1));
        var expected = (float)Math.Tanh(0.5 + 2 * 0.3f + 0.1f + 0.2f);
        Assert.Equal(expected, y[0].ToArray<float>()[0], 6);
        Assert.Equal(y[0].ToArray<float>(), y[1].ToArray<float>());
    }

    [Fact]
    public void Lstm_with_zero_weights_keeps_half_the_previous_cell_state()
    {
        // All gates are sigmoid(0) = 0.5 and the candidate tanh(0) = 0: c = 0.5·c₀, h = 0.5·tanh(c).
        var zeros = new Tensor[] { Tensor.Create([1, 4, 1], new float[4]), Tensor.Create([1, 4, 1], new float[4]) };
        var outputs = Run("LSTM", 7, [Tensor.Create([1, 1, 1], new[] { 3f }), zeros[0], zeros[1], null, null,
            Tensor.Create([1, 1, 1], new[] { 0f }), Tensor.Create([1, 1, 1], new[] { 0.8f })], 3, ("hidden_size", 1));
        Assert.Equal(0.4f, outputs[2].ToArray<float>()[0], 6);
        Assert.Equal(0.5f * (float)Math.Tanh(0.4), outputs[1].ToArray<float>()[0], 6);
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Layout_1_gives_the_batch_major_transpose_of_layout_0(string op)
    {
        var x = Random(1, Seq, Batch, Input);
        var w = Weights(op, 1, 10);
        var h0 = Random(20, 1, Batch, Hidden);
        var c0 = Random(21, 1, Batch, Hidden);
        // With one direction a state [1, batch, hidden] holds the same elements as [batch, 1, hidden].
        Tensor?[] Inputs(Tensor xs, int[] state) => op == "LSTM"
            ? [xs, w[0], w[1], w[2], null, h0.WithShape(state), c0.WithShape(state)]
            : [xs, w[0], w[1], w[2], null, h0.WithShape(state)];
        var seqMajor = Run(op, 14, Inputs(x, [1, Batch, Hidden]), Outputs(op), ("hidden_size", Hidden));
        var batchMajor = Run(op, 14, Inputs(SwapLeadingAxes(x), [Batch, 1, Hidden]), Outputs(op), ("hidden_size", Hidden), ("layout", 1));
        Assert.Equal([Batch, Seq, 1, Hidden], batchMajor[0].Shape);
        Assert.Equal(SwapLeadingAxes(seqMajor[0].WithShape([Seq, Batch, Hidden])).ToArray<float>(), batchMajor[0].ToArray<float>());
        Assert.Equal([Batch, 1, Hidden], batchMajor[1].Shape);
        Assert.Equal(seqMajor[1].ToArray<float>(), batchMajor[1].ToArray<float>());
    }

    [Fact]
    public void Version_7_has_no_layout_attribute_so_it_stays_sequence_major()
    {
        var x = Random(2, Seq, Batch, Input);
        var w = Weights("GRU", 1, 30);
        var plain = Run("GRU", 7, [x, w[0], w[1], w[2]], 2, ("hidden_size", Hidden));
        var withLayout = Run("GRU", 7, [x, w[0], w[1], w[2]], 2, ("hidden_size", Hidden), ("layout", 1));
        Assert.Equal([Seq, 1, Batch, Hidden], withLayout[0].Shape);
        Assert.Equal(plain[0].ToArray<float>(), withLayout[0].ToArray<float>());
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Reverse_direction_equals_forward_on_the_reversed_sequence(string op)
    {
        var x = Random(3, Seq, Batch, Input);
        var reversed = Tensor.Create(x.Shape, Enumerable.Range(0, Seq).Reverse()
            .SelectMany(t => x.ToArray<float>().Skip(t * Batch * Input).Take(Batch * Input)).ToArray());
        var w = Weights(op, 1, 40);
        var backward = Run(op, 14, [x, w[0], w[1], w[2]], Outputs(op), ("hidden_size", Hidden), ("direction", "reverse"));
        var forward = Run(op, 14, [reversed, w[0], w[1], w[2]], Outputs(op), ("hidden_size", Hidden));
        Assert.Equal(forward[1].ToArray<float>(), backward[1].ToArray<float>());
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Sequence_lens_zero_the_unrun_steps_and_the_final_state_is_the_last_run_step(string op)
    {
        var x = Random(4, Seq, Batch, Input);
        var w = Weights(op, 2, 50);
        var lens = Tensor.Create([Batch], new[] { 2, 0 });
        var outputs = Run(op, 14, [x, w[0], w[1], w[2], lens, Random(60, 2, Batch, Hidden)], Outputs(op),
            ("hidden_size", Hidden), ("direction", "bidirectional"));
        var y = outputs[0].ToArray<float>();
        var yh = outputs[1].ToArray<float>();
        float[] Y(int t, int d, int b) => y.AsSpan(((t * 2 + d) * Batch + b) * Hidden, Hidden).ToArray();
        float[] State(int d, int b) => yh.AsSpan((d * Batch + b) * Hidden, Hidden).ToArray();
        for (var t = 0; t < Seq; t++)
            for (var d = 0; d < 2; d++)
            {
                if (t >= 2) Assert.All(Y(t, d, 0), v => Assert.Equal(0f, v));
                Assert.All(Y(t, d, 1), v => Assert.Equal(0f, v));
            }
        Assert.Equal(Y(1, 0, 0), State(0, 0));  // forward ends at the row's last step
        Assert.Equal(Y(0, 1, 0), State(1, 0));  // reverse ends at step 0
        Assert.All(State(0, 1), v => Assert.Equal(0f, v));  // a zero-length row ends in a zero state
        Assert.NotEqual(0f, Y(0, 0, 0)[0]);
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Results_do_not_depend_on_the_thread_count(string op)
    {
        var x = Random(5, Seq, 5, Input);
        var w = Weights(op, 2, 70);
        var one = Run(op, 14, 1, [x, w[0], w[1], w[2]], Outputs(op), ("hidden_size", Hidden), ("direction", "bidirectional"));
        var two = Run(op, 14, 2, [x, w[0], w[1], w[2]], Outputs(op), ("hidden_size", Hidden), ("direction", "bidirectional"));
        for (var i = 0; i < one.Length; i++) Assert.Equal(one[i].ToArray<float>(), two[i].ToArray<float>());
    }

    [Fact]
    public void Clip_bounds_the_pre_activation()
    {
        // Relu of a pre-activation of 5 clipped to 0.25.
        var y = Run("RNN", 14, [Tensor.Create([1, 1, 1], new[] { 5f }), Tensor.Create([1, 1, 1], new[] { 1f }),
            Tensor.Create([1, 1, 1], new[] { 0f })], 2, ("hidden_size", 1), ("activations", new[] { "Relu" }), ("clip", 0.25f));
        Assert.Equal(0.25f, y[1].ToArray<float>()[0]);
    }

    [Fact]
    public void Activation_alphas_are_consumed_only_by_functions_that_take_one()
    {
        // Sigmoid takes no alpha, so 0.5 goes to LeakyRelu: a negative candidate −4 becomes −2, and h = (1 − z)·(−2).
        var y = Run("GRU", 7, [Tensor.Create([1, 1, 1], new[] { -4f }),
            Tensor.Create([1, 3, 1], new[] { 0f, 0f, 1f }), Tensor.Create([1, 3, 1], new float[3])], 2,
            ("hidden_size", 1), ("activations", new[] { "Sigmoid", "LeakyRelu" }), ("activation_alpha", new[] { 0.5f }));
        Assert.Equal(0.5f * -2f, y[1].ToArray<float>()[0]);
    }

    [Fact]
    public void Linear_before_reset_applies_the_reset_gate_after_the_recurrent_bias()
    {
        // One unit, all weights zero except the recurrent bias of h (1) and initial state 2: z = r = 0.5.
        // linear_before_reset = 0: candidate = tanh(R_h·(r·H) + Rb_h) = tanh(1); = 1: tanh(r·(R_h·H + Rb_h)) = tanh(0.5).
        var bias = Tensor.Create([1, 6], new[] { 0f, 0f, 0f, 0f, 0f, 1f });
        Tensor?[] inputs = [Tensor.Create([1, 1, 1], new[] { 0f }), Tensor.Create([1, 3, 1], new float[3]),
            Tensor.Create([1, 3, 1], new float[3]), bias, null, Tensor.Create([1, 1, 1], new[] { 2f })];
        var before = Run("GRU", 14, inputs, 2, ("hidden_size", 1))[1].ToArray<float>()[0];
        var after = Run("GRU", 14, inputs, 2, ("hidden_size", 1), ("linear_before_reset", 1))[1].ToArray<float>()[0];
        Assert.Equal(0.5f * (float)Math.Tanh(1) + 1f, before, 6);
        Assert.Equal(0.5f * (float)Math.Tanh(0.5) + 1f, after, 6);
    }

    [Fact]
    public void Infer_keeps_symbolic_sequence_and_batch_dims_and_follows_the_layout()
    {
        var x = new ValueInfo(DataType.Float, [Dim.Named("S"), Dim.Named("B"), 3]);
        var w = ValueInfo.Known(DataType.Float, 2, 8, 3);
        var seqMajor = Infer("LSTM", 14, [x, w], 3, ("direction", "bidirectional"));
        Assert.Equal("Float[S, 2, B, 2]", seqMajor[0].ToString());
        Assert.Equal("Float[2, B, 2]", seqMajor[1].ToString());
        Assert.Equal("Float[2, B, 2]", seqMajor[2].ToString());
        var batchMajor = Infer("GRU", 14, [new ValueInfo(DataType.Float, [Dim.Named("B"), Dim.Unknown, 3]), null], 2,
            ("hidden_size", 5), ("layout", 1));
        Assert.Equal("Float[B, ?, 1, 5]", batchMajor[0].ToString());
        Assert.Equal("Float[B, 1, 5]", batchMajor[1].ToString());
    }

    [Fact]
    public void Unknown_activations_and_bad_shapes_fail_naming_the_problem()
    {
        var w = Weights("RNN", 1, 80);
        var x = Random(6, Seq, Batch, Input);
        var bad = Assert.Throws<KernelException>(() => Run("RNN", 14, [x, w[0], w[1]], 2, ("hidden_size", Hidden), ("activations", new[] { "Gelu" })));
        Assert.Contains("Gelu", bad.Message);
        var shape = Assert.Throws<KernelException>(() => Run("RNN", 14, [x, w[0], w[1]], 2, ("hidden_size", 3)));
        Assert.Contains("W has shape", shape.Message);
        var lens = Assert.Throws<KernelException>(() => Run("RNN", 14, [x, w[0], w[1], null, Tensor.Create([2], new[] { 5, 1 })], 2, ("hidden_size", Hidden)));
        Assert.Contains("sequence_lens", lens.Message);
    }

    [Fact]
    public void Float16_inputs_run_through_the_float_kernel_and_come_back_as_float16()
    {
        var x = Random(7, Seq, Batch, Input);
        var w = Weights("RNN", 1, 90);
        static Tensor Half16(Tensor t) => Tensor.Create(t.Shape, t.ToArray<float>().Select(v => (Half)v).ToArray());
        var half = Run("RNN", 14, [Half16(x), Half16(w[0]), Half16(w[1])], 2, ("hidden_size", Hidden));
        Assert.Equal(DataType.Float16, half[0].ElementType);
        var single = Run("RNN", 14, [Half16(x).ToArray<Half>().Select(v => (float)v).ToArray() is var xs ? Tensor.Create(x.Shape, xs) : x,
            Tensor.Create(w[0].Shape, Half16(w[0]).ToArray<Half>().Select(v => (float)v).ToArray()),
            Tensor.Create(w[1].Shape, Half16(w[1]).ToArray<Half>().Select(v => (float)v).ToArray())], 2, ("hidden_size", Hidden));
        Assert.Equal(single[1].ToArray<float>().Select(v => (Half)v), half[1].ToArray<Half>());
    }
}
