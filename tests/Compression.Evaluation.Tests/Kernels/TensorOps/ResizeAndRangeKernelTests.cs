using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.TensorOps;

/// <summary>Resize, Upsample and Range.</summary>
public sealed class ResizeAndRangeKernelTests
{
    private static Tensor Scales(params float[] values) => Tensor.Create([values.Length], values);

    [Fact]
    public void Resize_linear_half_pixel_is_bilinear_on_NCHW()
    {
        var input = Floats([1, 1, 2, 2], 1, 2, 3, 4);
        var output = Run("Resize", 13, [input, null, Scales(1, 1, 2, 2)], String("mode", "linear"))[0];
        Assert.Equal([1, 1, 4, 4], output.Shape);
        Assert.Equal([1f, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4], output.ToArray<float>());
    }

    [Fact]
    public void Resize_nearest_defaults_to_half_pixel_and_round_prefer_floor()
    {
        var input = Floats([1, 2], 1, 2);
        Assert.Equal([1f, 1, 2, 2], Run("Resize", 13, [input, null, Scales(1, 2)])[0].ToArray<float>());
        // asymmetric: x = j / 2 = 0, 0.5, 1, 1.5; the halves go down with round_prefer_floor, up with round_prefer_ceil.
        Assert.Equal([1f, 1, 2, 2], Run("Resize", 13, [input, null, Scales(1, 2)], String("coordinate_transformation_mode", "asymmetric"))[0].ToArray<float>());
        Assert.Equal([1f, 2, 2, 2], Run("Resize", 13, [input, null, Scales(1, 2)], String("coordinate_transformation_mode", "asymmetric"),
            String("nearest_mode", "round_prefer_ceil"))[0].ToArray<float>());
        Assert.Equal([1f, 2, 2, 2], Run("Resize", 13, [input, null, Scales(1, 2)], String("coordinate_transformation_mode", "asymmetric"),
            String("nearest_mode", "ceil"))[0].ToArray<float>());
    }

    [Fact]
    public void Resize_nearest_upsamples_rows_and_columns()
    {
        var output = Run("Resize", 13, [Floats([1, 1, 2, 2], 1, 2, 3, 4), null, Scales(1, 1, 2, 3)])[0];
        Assert.Equal([1, 1, 4, 6], output.Shape);
        Assert.Equal([1f, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4], output.ToArray<float>());
    }

    [Fact]
    public void Resize_takes_sizes_and_align_corners()
    {
        var input = Floats([2], 1, 2);
        var output = Run("Resize", 11, [input, Floats([0]), Floats([0]), Longs(3)], String("mode", "linear"),
            String("coordinate_transformation_mode", "align_corners"))[0];
        Assert.Equal([1f, 1.5f, 2], output.ToArray<float>());
        Assert.Throws<KernelException>(() => Run("Resize", 13, [input, null, Scales(2), Longs(3)]));
    }

    [Fact]
    public void Resize_tf_crop_and_resize_extrapolates_outside_the_roi()
    {
        var input = Floats([2], 1, 2);
        var output = Run("Resize", 13, [input, Floats([2], 0, 1.5f), null, Longs(3)], String("mode", "linear"),
            String("coordinate_transformation_mode", "tf_crop_and_resize"), Float("extrapolation_value", 10))[0];
        Assert.Equal([1f, 1.75f, 10], output.ToArray<float>());
    }

    [Fact]
    public void Resize_10_nearest_rounds_down_when_enlarging_and_up_when_shrinking()
    {
        Assert.Equal([1f, 1, 2, 2], Run("Resize", 10, [Floats([2], 1, 2), Scales(2)])[0].ToArray<float>());
        // Shrinking by 0.6: x = j / 0.6 = 0, 1.67, which reads elements 0 and 2.
        Assert.Equal([1f, 3], Run("Resize", 10, [Floats([4], 1, 2, 3, 4), Scales(0.6f)])[0].ToArray<float>());
    }

    [Fact]
    public void Resize_nearest_moves_integer_types()
    {
        var output = Run("Resize", 13, [Tensor.Create([2], new long[] { 5, 7 }), null, Scales(2)])[0];
        Assert.Equal([5L, 5, 7, 7], output.ToArray<long>());
    }

    [Fact]
    public void Resize_infers_from_constant_scales_and_keeps_unscaled_symbols()
    {
        var input = new ValueInfo(DataType.Float, Dims("N", 3, 10, 10));
        var inferred = Infer("Resize", 13, [input, null, ValueInfo.Of(Scales(1, 1, 2, 2.5f))])[0];
        Assert.Equal(Dims("N", 3, 20, 25), inferred.Shape);
        var unknownScales = Infer("Resize", 13, [input, null, new ValueInfo(DataType.Float, Dims(4))])[0];
        Assert.Equal(4, unknownScales.Rank);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("cubic")]
    public void Resize_results_do_not_depend_on_the_thread_count(string mode)
    {
        var random = new Random(3);
        var input = Floats([2, 8, 40, 60], Enumerable.Range(0, 2 * 8 * 40 * 60).Select(_ => (float)random.NextDouble()).ToArray());
        var one = RunWithThreads("Resize", 13, [input, null, Scales(1, 1, 1.7f, 2.3f)], 1, String("mode", mode)).ToArray<float>();
        Assert.Equal(one, RunWithThreads("Resize", 13, [input, null, Scales(1, 1, 1.7f, 2.3f)], 2, String("mode", mode)).ToArray<float>());
        Assert.Equal(one, RunWithThreads("Resize", 13, [input, null, Scales(1, 1, 1.7f, 2.3f)], 4, String("mode", mode)).ToArray<float>());
    }

    [Fact]
    public void Upsample_7_reads_scales_from_the_attribute_and_9_from_the_input()
    {
        Assert.Equal([1f, 1, 2, 2], Run("Upsample", 7, [Floats([2], 1, 2)], Floats("scales", 2))[0].ToArray<float>());
        Assert.Equal([1f, 1.5f, 2, 2], Run("Upsample", 9, [Floats([2], 1, 2), Scales(2)], String("mode", "linear"))[0].ToArray<float>());
    }

    [Fact]
    public void Range_counts_ceil_of_span_over_delta_in_every_direction()
    {
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], Run("Range", 11, [Tensor.Scalar(0f), Tensor.Scalar(1f), Tensor.Scalar(0.25f)])[0].ToArray<float>());
        Assert.Equal([10, 7], Run("Range", 11, [Tensor.Scalar(10), Tensor.Scalar(4), Tensor.Scalar(-3)])[0].ToArray<int>());
        Assert.Empty(Run("Range", 11, [Tensor.Scalar(1L), Tensor.Scalar(1L), Tensor.Scalar(1L)])[0].ToArray<long>());
        Assert.Throws<KernelException>(() => Run("Range", 11, [Tensor.Scalar(1L), Tensor.Scalar(5L), Tensor.Scalar(0L)]));
    }
}
