using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.Elementwise.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Quantization;

public class QuantizationKernelTests
{
    private static Onnx.Protobuf.AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new Onnx.Protobuf.AttributeProto { Name = name, Type = Onnx.Protobuf.AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    [Fact]
    public void QuantizeLinear_rounds_ties_to_even_and_saturates_with_the_default_uint8_zero_point()
    {
        var x = T([8], -1f, 0.5f, 1.5f, 2.5f, 3.5f, 254.5f, 300f, float.NaN);
        var y = Run("QuantizeLinear", 10, [x, Tensor.Scalar(1f)]);
        Assert.Equal(DataType.Uint8, y.ElementType);
        Assert.Equal(new byte[] { 0, 0, 2, 2, 4, 254, 255, 0 }, y.ToArray<byte>());
    }

    [Fact]
    public void QuantizeLinear_rounds_before_adding_an_odd_zero_point()
    {
        // 0.25 / 0.5 = 0.5 → 0 and 0.75 / 0.5 = 1.5 → 2, then + 11; adding first would round 11.5 and 12.5 to 12.
        var y = Run("QuantizeLinear", 13, [T([2], 0.25f, 0.75f), Tensor.Scalar(0.5f), Tensor.Scalar((sbyte)11)]);
        Assert.Equal(new sbyte[] { 11, 13 }, y.ToArray<sbyte>());
    }

    [Fact]
    public void QuantizeLinear_version_10_refuses_per_axis_scales_that_version_13_applies_along_a_negative_axis()
    {
        var x = T([2, 3], 1f, 2f, 3f, 4f, 5f, 6f);
        var scale = T([2], 1f, 2f);
        Assert.Throws<KernelException>(() => Run("QuantizeLinear", 10, [x, scale]));
        var y = Run("QuantizeLinear", 13, [x, scale, T([2], (byte)0, (byte)100)], Int("axis", -2));
        Assert.Equal(new byte[] { 1, 2, 3, 102, 102, 103 }, y.ToArray<byte>());
    }

    [Fact]
    public void QuantizeLinear_blocked_parameters_cover_a_short_last_block()
    {
        // Axis 1 has 5 elements in blocks of 2: scales [.., 3] per row, the last block holding one element.
        var x = T([2, 5], 2f, 2f, 2f, 2f, 2f, 4f, 4f, 4f, 4f, 4f);
        var scale = T([2, 3], 1f, 2f, 4f, 2f, 4f, 1f);
        var y = Run("QuantizeLinear", 21, [x, scale, T([2, 3], (sbyte)0, (sbyte)0, (sbyte)0, (sbyte)1, (sbyte)1, (sbyte)1)],
            Int("axis", 1), Int("block_size", 2));
        Assert.Equal(new sbyte[] { 2, 2, 1, 1, 0, 3, 3, 2, 2, 5 }, y.ToArray<sbyte>());
    }

    [Fact]
    public void QuantizeLinear_output_dtype_selects_int4_and_saturates_to_its_range()
    {
        var y = Run("QuantizeLinear", 21, [T([4], -100f, -8.4f, 6.5f, 100f), Tensor.Scalar(1f)], Int("output_dtype", (long)DataType.Int4));
        Assert.Equal(DataType.Int4, y.ElementType);
        Assert.Equal(new sbyte[] { -8, -8, 6, 7 }, y.ToArray<sbyte>());
    }

    [Fact]
    public void QuantizeLinear_refuses_float8_with_a_clear_failure()
    {
        var error = Assert.Throws<KernelException>(() =>
            Run("QuantizeLinear", 21, [T([1], 1f), Tensor.Scalar(1f)], Int("output_dtype", (long)DataType.Float8E4M3Fn)));
        Assert.Contains("float8", error.Message);
    }

    [Fact]
    public void QuantizeLinear_float16_input_turns_infinity_into_the_minimum_as_onnx_runtime_does()
    {
        var x = T([3], Half.PositiveInfinity, (Half)2.5f, Half.NaN);
        var y = Run("QuantizeLinear", 19, [x, Tensor.Scalar((Half)1f), Tensor.Scalar((sbyte)0)]);
        Assert.Equal(new sbyte[] { -128, 2, -128 }, y.ToArray<sbyte>());
        // The float32 path clamps first, so +inf saturates to the maximum.
        var z = Run("QuantizeLinear", 19, [T([1], float.PositiveInfinity), Tensor.Scalar(1f), Tensor.Scalar((sbyte)0)]);
        Assert.Equal(new sbyte[] { 127 }, z.ToArray<sbyte>());
    }

    [Fact]
    public void QuantizeLinear_of_an_empty_tensor_is_empty()
    {
        var y = Run("QuantizeLinear", 13, [T([0, 3], Array.Empty<float>()), Tensor.Scalar(1f)]);
        Assert.Equal(new[] { 0, 3 }, y.Shape);
    }

    [Fact]
    public void QuantizeLinear_infers_its_type_from_the_zero_point_then_output_dtype_then_uint8()
    {
        var x = new ValueInfo(DataType.Float, [Dim.Named("n"), 4]);
        var scalar = ValueInfo.Known(DataType.Float);
        Assert.Equal(DataType.Uint8, Infer("QuantizeLinear", 13, [x, scalar]).ElementType);
        Assert.Equal(DataType.Int8, Infer("QuantizeLinear", 13, [x, scalar, ValueInfo.Known(DataType.Int8)]).ElementType);
        var int4 = Infer("QuantizeLinear", 21, [x, scalar], Int("output_dtype", (long)DataType.Uint4));
        Assert.Equal(DataType.Uint4, int4.ElementType);
        Assert.Equal("n", int4.Shape![0].Symbol);
    }

    [Fact]
    public void DequantizeLinear_with_a_float16_scale_returns_float16_from_version_19()
    {
        var y = Run("DequantizeLinear", 19, [T([3], (byte)0, (byte)10, (byte)255), Tensor.Scalar((Half)0.5f), Tensor.Scalar((byte)10)]);
        Assert.Equal(DataType.Float16, y.ElementType);
        Assert.Equal(new[] { (Half)(-5f), (Half)0f, (Half)122.5f }, y.ToArray<Half>());
        Assert.Throws<KernelException>(() => Run("DequantizeLinear", 13, [T([1], (byte)0), Tensor.Scalar((Half)0.5f)]));
        Assert.Equal(DataType.Float16, Infer("DequantizeLinear", 21, [ValueInfo.Known(DataType.Uint8, 3), ValueInfo.Known(DataType.Float16)]).ElementType);
    }

    [Fact]
    public void DequantizeLinear_blocked_int4_uses_each_blocks_scale_and_zero_point()
    {
        var x = new Tensor(DataType.Int4, [1, 3], new sbyte[] { -8, 7, 1 });
        var zero = new Tensor(DataType.Int4, [1, 2], new sbyte[] { -1, 2 });
        var y = Run("DequantizeLinear", 21, [x, T([1, 2], 0.5f, 2f), zero], Int("axis", 1), Int("block_size", 2));
        Assert.Equal(new[] { -3.5f, 4f, -2f }, y.ToArray<float>());
    }

    [Fact]
    public void DequantizeLinear_version_13_refuses_int16_that_version_21_accepts()
    {
        Tensor?[] inputs = [T([2], (short)-3, (short)300), Tensor.Scalar(0.5f)];
        Assert.Throws<KernelException>(() => Run("DequantizeLinear", 13, inputs));
        Assert.Equal(new[] { -1.5f, 150f }, Run("DequantizeLinear", 21, inputs).ToArray<float>());
    }

    private static Tensor?[] RunDynamic(Tensor x)
    {
        var node = Node("DynamicQuantizeLinear", 1);
        node.Output.Add("scale");
        node.Output.Add("zero");
        return KernelHarness.Execute(node, 11, [x]);
    }

    [Fact]
    public void DynamicQuantizeLinear_includes_zero_in_the_range_and_uses_scale_one_for_all_zeros()
    {
        var positive = RunDynamic(T([2], 2.55f, 5.1f));
        Assert.Equal(5.1f / 255f, positive[1]!.ToArray<float>()[0]);
        Assert.Equal((byte)0, positive[2]!.ToArray<byte>()[0]);
        Assert.Equal(new byte[] { 128, 255 }, positive[0]!.ToArray<byte>());

        var zeros = RunDynamic(T([3], 0f, 0f, 0f));
        Assert.Equal(1f, zeros[1]!.ToArray<float>()[0]);
        Assert.Equal(new byte[] { 0, 0, 0 }, zeros[0]!.ToArray<byte>());

        var empty = RunDynamic(T([0], Array.Empty<float>()));
        Assert.Empty(empty[0]!.ToArray<byte>());
        Assert.Equal(1f, empty[1]!.ToArray<float>()[0]);
    }

    [Fact]
    public void DynamicQuantizeLinear_rounds_the_zero_point_half_to_even()
    {
        // min −1, max 254: scale 1, zero point 0 − (−1) / 1 = 1; min −1.5, max 253.5: zero point 1.5 → 2.
        var result = RunDynamic(T([2], -1.5f, 253.5f));
        Assert.Equal((byte)2, result[2]!.ToArray<byte>()[0]);
    }

    [Fact]
    public void MatMulInteger_multiplies_a_vector_by_a_matrix_with_per_column_zero_points()
    {
        var a = T([3], (byte)1, (byte)2, (byte)3);
        var b = T([3, 2], (sbyte)1, (sbyte)-1, (sbyte)2, (sbyte)-2, (sbyte)3, (sbyte)-3);
        var y = Run("MatMulInteger", 10, [a, b, Tensor.Scalar((byte)1), T([2], (sbyte)0, (sbyte)-1)]);
        Assert.Equal(DataType.Int32, y.ElementType);
        Assert.Equal(new[] { 2 }, y.Shape);
        // (a − 1) = [0, 1, 2]; column 0: 2 + 6 = 8; column 1 (b + 1): [0, −1, −2] → −1 − 4 = −5.
        Assert.Equal(new[] { 8, -5 }, y.ToArray<int>());
    }

    [Fact]
    public void MatMulInteger_infers_broadcast_batch_axes_with_symbolic_dims()
    {
        var info = Infer("MatMulInteger", 10,
            [new ValueInfo(DataType.Uint8, [Dim.Named("b"), 1, 4, 8]), new ValueInfo(DataType.Int8, [3, 8, Dim.Named("n")])]);
        Assert.Equal(DataType.Int32, info.ElementType);
        Assert.Equal("b", info.Shape![0].Symbol);
        Assert.Equal(3, info.Shape[1].Value);
        Assert.Equal(4, info.Shape[2].Value);
        Assert.Equal("n", info.Shape[3].Symbol);
    }

    [Fact]
    public void QLinearMatMul_rounds_requantization_ties_to_even()
    {
        // Sums 5 and 7 times the multiplier 0.5 give 2.5 → 2 and 3.5 → 4.
        var a = T([1, 1], (byte)1);
        var b = T([1, 2], (byte)5, (byte)7);
        var y = Run("QLinearMatMul", 10,
            [a, Tensor.Scalar(1f), Tensor.Scalar((byte)0), b, Tensor.Scalar(0.5f), Tensor.Scalar((byte)0), Tensor.Scalar(1f), Tensor.Scalar((byte)0)]);
        Assert.Equal(new byte[] { 2, 4 }, y.ToArray<byte>());
    }

    [Fact]
    public void ConvInteger_padding_contributes_the_zero_point_so_a_constant_input_at_its_zero_point_gives_zero()
    {
        var x = T([1, 1, 3, 3], Enumerable.Repeat((byte)9, 9).ToArray());
        var w = T([1, 1, 3, 3], Enumerable.Repeat((byte)200, 9).ToArray());
        var y = Run("ConvInteger", 10, [x, w, Tensor.Scalar((byte)9)], Ints("pads", 1, 1, 1, 1));
        Assert.Equal(new[] { 1, 1, 3, 3 }, y.Shape);
        Assert.All(y.ToArray<int>(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void QLinearConv_adds_the_bias_before_requantizing_per_output_channel()
    {
        var x = T([1, 1, 1, 1], (byte)3);
        var w = T([2, 1, 1, 1], (sbyte)2, (sbyte)2);
        var y = Run("QLinearConv", 10,
            [x, Tensor.Scalar(1f), Tensor.Scalar((byte)0), w, T([2], 1f, 0.25f), T([2], (sbyte)0, (sbyte)0),
             Tensor.Scalar(1f), Tensor.Scalar((byte)10), T([2], 4, -2)]);
        // Channel 0: (6 + 4) · 1 + 10 = 20; channel 1: (6 − 2) · 0.25 + 10 = 11.
        Assert.Equal(new byte[] { 20, 11 }, y.ToArray<byte>());
    }

    [Fact]
    public void Integer_kernels_give_the_same_results_on_one_and_two_threads()
    {
        var random = new Random(5);
        var x = T([2, 4, 16, 16], Enumerable.Range(0, 2 * 4 * 256).Select(_ => (byte)random.Next(256)).ToArray());
        var w = T([8, 4, 3, 3], Enumerable.Range(0, 8 * 36).Select(_ => (sbyte)random.Next(-128, 128)).ToArray());
        Tensor?[] inputs = [x, w, Tensor.Scalar((byte)128)];
        Assert.Equal(Run("ConvInteger", 10, 1, inputs).ToArray<int>(), Run("ConvInteger", 10, 2, inputs).ToArray<int>());
    }
}
