using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

/// <summary>
/// The fused epilogue, compiled and step by step, against a scalar reference doing each unfused kernel's operation in
/// turn: over ranges of every length class (under a vector, whole vectors, with a tail) and spanning several planes.
/// </summary>
public class EpilogueTests
{
    private const int Channels = 5;
    private const int Plane = 13;
    private const int Batch = 2;

    // r1 = r0 + e0; r2 = HardSigmoid(r1); r3 = r1 · r2 (hard-swish); r4 = fma(r3, scale[c], shift[c]); r5 = Clip(r4 · c[c]);
    // r6 = r5 − e1; r7 = Relu(r6 / 3).
    private static readonly float[] Scale = [0.5f, -1.25f, 2f, 0.75f, 1.5f];
    private static readonly float[] Shift = [0.1f, -0.2f, 0.3f, 0f, -1f];
    private static readonly float[] PerChannel = [1f, -2f, 0.25f, 3f, -0.5f];

    private static EpilogueStep[] Program() =>
    [
        new(EpilogueCode.Add, 1, EpilogueOperand.Register(0), EpilogueOperand.External(0)),
        new(EpilogueCode.HardSigmoid, 2, EpilogueOperand.Register(1), default, 1f / 6, 0.5f),
        new(EpilogueCode.Mul, 3, EpilogueOperand.Register(1), EpilogueOperand.Register(2)),
        new(EpilogueCode.Affine, 4, EpilogueOperand.Register(3), default, Scale: Scale, Shift: Shift),
        new(EpilogueCode.Mul, 5, EpilogueOperand.Register(4), EpilogueOperand.Constant(PerChannel)),
        new(EpilogueCode.Clip, 6, EpilogueOperand.Register(5), default, -1f, 1.5f),
        new(EpilogueCode.Sub, 7, EpilogueOperand.Register(6), EpilogueOperand.External(1)),
        new(EpilogueCode.Div, 8, EpilogueOperand.Register(7), EpilogueOperand.Constant([3f])),
        new(EpilogueCode.Relu, 9, EpilogueOperand.Register(8), default),
    ];

    private static float Reference(float y, float bias, float e0, float e1, int c)
    {
        var r0 = y + bias;
        var r1 = r0 + e0;
        var h = 1f / 6 * r1 + 0.5f;
        h = h > 1f ? 1f : h;
        h = h < 0f ? 0f : h;
        var r3 = r1 * h;
        var r4 = MathF.FusedMultiplyAdd(r3, Scale[c], Shift[c]);
        var r5 = r4 * PerChannel[c];
        r5 = r5 < -1f ? -1f : r5;
        r5 = r5 > 1.5f ? 1.5f : r5;
        var r8 = (r5 - e1) / 3f;
        return r8 < 0f ? 0f : r8;
    }

    [Theory]
    [InlineData(0, 5)]                              // shorter than a vector
    [InlineData(13, 13)]                            // one plane: a vector and a tail
    [InlineData(3, 16)]                             // whole vectors across a plane boundary
    [InlineData(7, 29)]                             // three planes, a tail
    [InlineData(0, Batch * Channels * Plane)]       // everything: both images
    public void Compiled_and_step_by_step_epilogues_give_the_reference_bits(int offset, int length)
    {
        var total = Batch * Channels * Plane;
        var random = new Random(3);
        float[] Values() => Enumerable.Range(0, total).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        var y = Values();
        var e0 = Values();
        var e1 = Values();
        var bias = new float[] { 0.5f, -0.25f, 1f, 0f, -2f };
        var expected = (float[])y.Clone();
        for (var i = offset; i < offset + length; i++)
            expected[i] = Reference(y[i], bias[i / Plane % Channels], e0[i], e1[i], i / Plane % Channels);

        var compiled = new Epilogue(Program(), 2);
        var stepwise = new Epilogue(Program(), 2, compile: false);
        Assert.True(compiled.IsCompiled);
        Assert.False(stepwise.IsCompiled);
        foreach (var epilogue in new[] { compiled, stepwise })
        {
            var actual = (float[])y.Clone();
            epilogue.Apply(actual, offset, length, Plane, Channels, [e0, e1], bias);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void A_long_row_of_one_channel_runs_in_blocks_with_the_reference_bits()
    {
        // 1000 elements of one plane: several 256-element blocks and a tail, all in channel 3.
        const int plane = 1000;
        var random = new Random(5);
        float[] Values() => Enumerable.Range(0, Channels * plane).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        var y = Values();
        var e0 = Values();
        var e1 = Values();
        var offset = 3 * plane;
        var expected = (float[])y.Clone();
        for (var i = offset; i < offset + plane; i++) expected[i] = Reference(y[i], 0f, e0[i], e1[i], 3);
        foreach (var epilogue in new[] { new Epilogue(Program(), 2), new Epilogue(Program(), 2, compile: false) })
        {
            var actual = (float[])y.Clone();
            epilogue.Apply(actual, offset, plane, plane, Channels, [e0, e1]);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
