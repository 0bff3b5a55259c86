using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.Elementwise.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Elementwise;

public class UnaryKernelTests
{
    [Fact]
    public void LeakyRelu_defaults_alpha_to_a_hundredth_and_reads_the_attribute()
    {
        var x = T([3], -2f, 0f, 3f);
        Assert.Equal(new[] { -0.02f, 0f, 3f }, Run("LeakyRelu", 16, [x]).ToArray<float>());
        Assert.Equal(new[] { -1f, 0f, 3f }, Run("LeakyRelu", 6, [x], Float("alpha", 0.5f)).ToArray<float>());
    }

    [Fact]
    public void HardSigmoid_defaults_and_clamps_to_the_unit_interval()
    {
        var y = Run("HardSigmoid", 6, [T([4], -10f, 0f, 1f, 10f)]).ToArray<float>();
        Assert.Equal(new[] { 0f, 0.5f, 0.7f, 1f }, y);
    }

    [Fact]
    public void Selu_uses_the_standard_alpha_and_gamma_by_default()
    {
        var y = Run("Selu", 6, [T([2], -1f, 2f)]).ToArray<float>();
        Assert.Equal(-1.1113307f, y[0], 6);
        Assert.Equal(2.101402f, y[1], 6);
    }

    [Fact]
    public void Round_takes_halves_to_even()
    {
        var y = Run("Round", 11, [T([6], 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f)]).ToArray<float>();
        Assert.Equal(new[] { 0f, 2f, 2f, -0f, -2f, 2f }, y);
    }

    [Fact]
    public void Sign_keeps_nan_and_zero_and_works_on_integers()
    {
        var y = Run("Sign", 13, [T([4], -3f, 0f, 7f, float.NaN)]).ToArray<float>();
        Assert.Equal(new[] { -1f, 0f, 1f }, y[..3]);
        Assert.True(float.IsNaN(y[3]));
        Assert.Equal(new[] { -1, 0, 1 }, Run("Sign", 13, [T([3], -5, 0, 9)]).ToArray<int>());
    }

    [Fact]
    public void Relu_14_accepts_integers_and_abs_wraps_the_most_negative_integer()
    {
        Assert.Equal(new sbyte[] { 0, 0, 5 }, Run("Relu", 14, [T<sbyte>([3], -5, 0, 5)]).ToArray<sbyte>());
        Assert.Equal(new[] { int.MinValue, 4 }, Run("Abs", 13, [T([2], int.MinValue, -4)]).ToArray<int>());
    }

    [Fact]
    public void Float_only_operators_reject_integer_inputs()
    {
        Assert.ThrowsAny<Exception>(() => Run("Exp", 13, [T([1], 1)]));
    }

    [Fact]
    public void Float16_is_computed_in_float_and_rounded_once()
    {
        var y = Run("Exp", 13, [T([2], (Half)1f, (Half)(-1f))]).ToArray<Half>();
        Assert.Equal((Half)2.7182817f, y[0]);
        Assert.Equal((Half)0.36787945f, y[1]);
    }

    [Fact]
    public void Softplus_neither_overflows_nor_loses_tiny_results()
    {
        var y = Run("Softplus", 1, [T([3], 100f, -100f, 0f)]).ToArray<float>();
        Assert.Equal(100f, y[0]);
        Assert.Equal(3.7200760e-44f, y[1]);
        Assert.Equal(0.6931472f, y[2]);
    }

    [Fact]
    public void Empty_tensors_give_empty_outputs_of_the_same_shape()
    {
        var y = Run("Tanh", 13, [T([0, 3], Array.Empty<float>())]);
        Assert.Equal(new[] { 0, 3 }, y.Shape);
    }

    [Fact]
    public void Large_inputs_give_the_same_bits_on_one_and_four_threads()
    {
        var random = new Random(1);
        var data = Enumerable.Range(0, 200_000).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
        var one = Run("Erf", 13, 1, [T([200_000], data)]).ToArray<float>();
        var four = Run("Erf", 13, 4, [T([200_000], data)]).ToArray<float>();
        Assert.Equal(one, four);
    }

    [Fact]
    public void Infer_keeps_type_and_symbolic_shape()
    {
        var info = Infer("Sigmoid", 13, [new ValueInfo(DataType.Float, [Dim.Named("N"), 3])]);
        Assert.Equal(DataType.Float, info.ElementType);
        Assert.Equal("N", info.Shape![0].Symbol);
        Assert.Equal(3, info.Shape[1].Value);
    }

    [Fact]
    public void Clip_6_reads_attributes_and_11_reads_optional_inputs()
    {
        var x = T([4], -5f, 0.5f, 5f, float.NaN);
        var v6 = Run("Clip", 6, [x], Float("min", -1f), Float("max", 1f)).ToArray<float>();
        Assert.Equal(new[] { -1f, 0.5f, 1f }, v6[..3]);
        Assert.True(float.IsNaN(v6[3]));
        var onlyMax = Run("Clip", 11, [x, null, S(2f)]).ToArray<float>();
        Assert.Equal(new[] { -5f, 0.5f, 2f }, onlyMax[..3]);
        var none = Run("Clip", 13, [x]).ToArray<float>();
        Assert.Equal(new[] { -5f, 0.5f, 5f }, none[..3]);
    }

    [Fact]
    public void Clip_12_clips_integers_and_min_above_max_gives_max()
    {
        Assert.Equal(new long[] { 2, 3, 7 }, Run("Clip", 12, [T([3], 1L, 3L, 9L), S(2L), S(7L)]).ToArray<long>());
        Assert.Equal(new[] { 1f, 1f }, Run("Clip", 13, [T([2], 0f, 5f), S(3f), S(1f)]).ToArray<float>());
    }
}
