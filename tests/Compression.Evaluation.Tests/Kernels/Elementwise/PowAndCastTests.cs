using Compression.Evaluation.Inference;
using static Compression.Evaluation.Tests.Kernels.Elementwise.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Elementwise;

public class PowAndCastTests
{
    [Fact]
    public void Pow_15_takes_exponents_of_another_type()
    {
        Assert.Equal(new[] { 1f, 8f, 0.25f }, Run("Pow", 15, [T([3], 1f, 2f, 0.5f), T([3], 5L, 3L, 2L)]).ToArray<float>());
        Assert.Equal(new[] { 1, 4, 2 }, Run("Pow", 12, [T([3], 1, 2, 4), T([3], 5f, 2f, 0.5f)]).ToArray<int>());
    }

    [Fact]
    public void Pow_integer_bases_truncate_negative_powers()
    {
        Assert.Equal(new long[] { 0, 1, -8 }, Run("Pow", 15, [T([3], 2L, 1L, -2L), T([3], -1L, -3L, 3L)]).ToArray<long>());
    }

    [Fact]
    public void Pow_keeps_the_c_special_cases()
    {
        var y = Run("Pow", 13, [T([3], -8f, float.NaN, -0f), T([3], 1f / 3, 0f, -1f)]).ToArray<float>();
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(1f, y[1]);
        Assert.Equal(float.NegativeInfinity, y[2]);
    }

    [Fact]
    public void Pow_1_broadcasts_the_exponent_with_the_legacy_attributes()
    {
        var y = Run("Pow", 1, [T([2, 2], 1f, 2f, 3f, 4f), T([2], 2f, 3f)], Int("broadcast", 1), Int("axis", 0));
        Assert.Equal(new[] { 1f, 4f, 27f, 64f }, y.ToArray<float>());
    }

    [Fact]
    public void Cast_truncates_floats_toward_zero_and_reads_nonzero_as_true()
    {
        var x = T([5], 2.9f, -2.9f, 0f, -0f, float.NaN);
        Assert.Equal(new[] { 2, -2, 0, 0, 0 }, Run("Cast", 13, [x], Int("to", (long)DataType.Int32)).ToArray<int>());
        Assert.Equal(new[] { true, true, false, false, true }, Run("Cast", 13, [x], Int("to", (long)DataType.Bool)).ToArray<bool>());
        Assert.Equal(new[] { 1.0, 0.0 }, Run("Cast", 9, [T([2], true, false)], Int("to", (long)DataType.Double)).ToArray<double>());
    }

    [Fact]
    public void Cast_wraps_integers_into_narrower_types()
    {
        Assert.Equal(new sbyte[] { -56, 1 }, Run("Cast", 6, [T([2], 200, 257)], Int("to", (long)DataType.Int8)).ToArray<sbyte>());
    }

    [Fact]
    public void Cast_to_float16_and_bfloat16_round_to_nearest_even()
    {
        // 1 + 2^-11 is halfway between float16 neighbours 1 and 1 + 2^-10: ties to even gives 1.
        var half = Run("Cast", 13, [T([2], 1f + 1f / 2048, 1f + 3f / 2048)], Int("to", (long)DataType.Float16)).ToArray<Half>();
        Assert.Equal(new[] { (Half)1f, (Half)(1f + 2f / 1024) }, half);
        var bf = Run("Cast", 13, [T([1], 1f + 3f / 256)], Int("to", (long)DataType.Bfloat16)).ToArray<Compression.Onnx.Tensors.BFloat16>();
        Assert.Equal(1f + 4f / 256, bf[0].ToSingle());
    }

    [Fact]
    public void Cast_formats_and_parses_strings_as_numpy_prints_them()
    {
        var s = Run("Cast", 13, [T([5], 0.039187793f, float.NaN, float.NegativeInfinity, 1e-20f, 3f)], Int("to", (long)DataType.String));
        Assert.Equal(new[] { "0.039187793", "NaN", "-INF", "1e-20", "3" }, s.ToArray<string>());
        var f = Run("Cast", 13, [T([4], "0.5", "+INF", "-inf", "NaN")], Int("to", (long)DataType.Float)).ToArray<float>();
        Assert.Equal(new[] { 0.5f, float.PositiveInfinity, float.NegativeInfinity }, f[..3]);
        Assert.True(float.IsNaN(f[3]));
    }

    [Fact]
    public void Cast_to_the_same_type_returns_the_input_and_castlike_takes_the_second_inputs_type()
    {
        var x = T([2], 1.5f, -1.5f);
        Assert.Same(x, Run("Cast", 13, [x], Int("to", (long)DataType.Float)));
        Assert.Equal(new long[] { 1, -1 }, Run("CastLike", 15, [x, T([0], Array.Empty<long>())]).ToArray<long>());
    }

    [Fact]
    public void Cast_infers_the_target_type_from_its_attribute()
    {
        var info = Infer("Cast", 13, [new ValueInfo(DataType.Float, [Dim.Named("B"), 2])], Int("to", (long)DataType.Int64));
        Assert.Equal(DataType.Int64, info.ElementType);
        Assert.Equal("B", info.Shape![0].Symbol);
        var like = Infer("CastLike", 15, [new ValueInfo(DataType.Float, [2]), new ValueInfo(DataType.Float16, [])]);
        Assert.Equal(DataType.Float16, like.ElementType);
    }
}
