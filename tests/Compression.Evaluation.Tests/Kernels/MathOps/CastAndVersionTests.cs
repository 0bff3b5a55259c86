using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.Recurrent.OpRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.MathOps;

/// <summary>The opset 19-21 versions of Cast, CastLike, Equal and AveragePool.</summary>
public class CastAndVersionTests
{
    [Fact]
    public void Cast_21_to_int4_rounds_half_away_from_zero_and_keeps_the_low_nibble()
    {
        var x = Tensor.Create([6], new[] { 2.5f, -2.5f, 7.5f, 100f, float.NaN, -9.5f });
        var int4 = Run("Cast", 21, [x], 1, ("to", (long)DataType.Int4))[0];
        Assert.Equal(DataType.Int4, int4.ElementType);
        Assert.Equal(new sbyte[] { 3, -3, -8, 4, 0, 6 }, int4.ToArray<sbyte>());
        var uint4 = Run("Cast", 21, [Tensor.Create([3], new[] { -1, 16, 15 })], 1, ("to", (long)DataType.Uint4))[0];
        Assert.Equal(new byte[] { 15, 0, 15 }, uint4.ToArray<byte>());
        var back = Run("Cast", 21, [int4], 1, ("to", (long)DataType.Float))[0];
        Assert.Equal(new[] { 3f, -3f, -8f, 4f, 0f, 6f }, back.ToArray<float>());
    }

    [Fact]
    public void Cast_before_21_refuses_int4_and_every_version_refuses_float8()
    {
        var x = Tensor.Create([1], new[] { 1f });
        Assert.Contains("21", Assert.Throws<KernelException>(() => Run("Cast", 19, [x], 1, ("to", (long)DataType.Int4))).Message);
        var float8 = Assert.Throws<KernelException>(() => Run("Cast", 19, [x], 1, ("to", (long)DataType.Float8E4M3Fn), ("saturate", 1)));
        Assert.Contains("Float8E4M3Fn", float8.Message);
    }

    [Fact]
    public void CastLike_21_takes_int4_from_the_second_input()
    {
        var like = Run("Cast", 21, [Tensor.Create([1], new[] { 0f })], 1, ("to", (long)DataType.Int4))[0];
        var y = Run("CastLike", 21, [Tensor.Create([2], new[] { 9f, -1f }), like], 1)[0];
        Assert.Equal(DataType.Int4, y.ElementType);
        Assert.Equal(new sbyte[] { -7, -1 }, y.ToArray<sbyte>());
    }

    [Fact]
    public void Equal_19_compares_strings_ordinally_with_broadcasting()
    {
        var a = Tensor.Create([2, 2], new[] { "a", "B", "b", "" });
        var b = Tensor.Create([2], new[] { "b", "b" });
        Assert.Equal(new[] { false, false, true, false }, Run("Equal", 19, [a, b], 1)[0].ToArray<bool>());
    }

    [Fact]
    public void AveragePool_19_spaces_the_taps_by_the_dilation()
    {
        // 1-D input 0..6, kernel 2, dilation 3: windows {0,3}, {1,4}, {2,5}, {3,6}.
        var x = Tensor.Create([1, 1, 7], new[] { 0f, 1f, 2f, 3f, 4f, 5f, 6f });
        var y = Run("AveragePool", 19, [x], 1, ("kernel_shape", new long[] { 2 }), ("dilations", new long[] { 3 }));
        Assert.Equal(new[] { 1.5f, 2.5f, 3.5f, 4.5f }, y[0].ToArray<float>());
    }
}
