using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.TensorOps;

/// <summary>What changed at opsets 18-21 in Split, Pad, Resize and the shape operators.</summary>
public sealed class Opset18To21KernelTests
{
    [Fact]
    public void Split_18_num_outputs_makes_the_last_part_smaller()
    {
        var parts = RunOutputs("Split", 18, [Iota(7)], 3, Int("num_outputs", 3));
        Assert.Equal([3, 3, 1], parts.Select(p => p.Length).ToArray());
        Assert.Equal([6f], parts[2].ToArray<float>());
        var infos = InferOutputs("Split", 18, [ValueInfo.Known(DataType.Float, 2, 7)], 3, Int("axis", 1), Int("num_outputs", 3));
        Assert.Equal([3L, 3L, 1L], infos.Select(i => i.Shape![1].Value).ToArray());
    }

    [Fact]
    public void Split_18_rejects_num_outputs_that_differs_from_the_outputs()
    {
        Assert.Throws<KernelException>(() => RunOutputs("Split", 18, [Iota(6)], 2, Int("num_outputs", 3)));
    }

    [Fact]
    public void Split_13_still_needs_an_even_split()
    {
        Assert.Throws<KernelException>(() => RunOutputs("Split", 13, [Iota(7)], 3));
    }

    [Fact]
    public void Pad_18_applies_pads_to_the_listed_axes_only()
    {
        var output = Run("Pad", 18, [Iota(2, 2), Longs(1, 0), null, Longs(-1)])[0];
        Assert.Equal([2, 3], output.Shape);
        Assert.Equal([0f, 0, 1, 0, 2, 3], output.ToArray<float>());
        var info = Infer("Pad", 18, [new ValueInfo(DataType.Float, Dims("N", 2)), ValueInfo.Of(Longs(1, 2)), null, ValueInfo.Of(Longs(1))])[0];
        Assert.Equal(Dims("N", 5), info.Shape);
    }

    [Fact]
    public void Pad_19_wrap_repeats_the_axis_cyclically_and_is_refused_before_19()
    {
        var output = Run("Pad", 19, [Iota(3), Longs(2, 4)], String("mode", "wrap"))[0];
        Assert.Equal([1f, 2, 0, 1, 2, 0, 1, 2, 0], output.ToArray<float>());
        Assert.Throws<KernelException>(() => Run("Pad", 18, [Iota(3), Longs(1, 1)], String("mode", "wrap")));
    }

    [Fact]
    public void Resize_18_axes_resizes_only_the_named_axes()
    {
        var output = Run("Resize", 18, [Iota(1, 2, 2), null, Floats([1], 2f)], Ints("axes", -1))[0];
        Assert.Equal([1, 2, 4], output.Shape);
        Assert.Equal([0f, 0, 1, 1, 2, 2, 3, 3], output.ToArray<float>());
    }

    [Fact]
    public void Resize_18_not_larger_keeps_the_aspect_ratio_inside_the_sizes()
    {
        // 4x8 into at most 4x4: one scale 0.5 for both axes, so 2x4.
        var output = Run("Resize", 18, [Iota(4, 8), null, null, Longs(4, 4)], String("keep_aspect_ratio_policy", "not_larger"))[0];
        Assert.Equal([2, 4], output.Shape);
        var larger = Run("Resize", 18, [Iota(4, 8), null, null, Longs(4, 4)], String("keep_aspect_ratio_policy", "not_smaller"))[0];
        Assert.Equal([4, 8], larger.Shape);
    }

    [Fact]
    public void Resize_18_antialias_averages_over_the_widened_filter_when_shrinking()
    {
        // Halving [0, 1, 2, 3] linearly: plain linear samples at 0.5 and 2.5; the antialiased triangle of half-width
        // 2 centred there weighs 0,1,2 (edge read twice) and 1,2,3,3 by 1/8, 3/8, 3/8, 1/8.
        var input = Floats([4], 0, 1, 2, 3);
        var plain = Run("Resize", 18, [input, null, Floats([1], 0.5f)], String("mode", "linear"))[0].ToArray<float>();
        var smooth = Run("Resize", 18, [input, null, Floats([1], 0.5f)], String("mode", "linear"), Int("antialias", 1))[0].ToArray<float>();
        Assert.Equal([0.5f, 2.5f], plain);
        Assert.Equal([0.625f, 2.375f], smooth);
    }

    [Fact]
    public void Resize_19_half_pixel_symmetric_centres_the_rounded_extent()
    {
        // Scale 0.6 of 5 is 3 exactly: the same as half_pixel. Of 4 it is 2.4 -> 2: the samples move to the centre.
        var input = Floats([4], 0, 1, 2, 3);
        var output = Run("Resize", 19, [input, null, Floats([1], 0.6f)], String("mode", "linear"),
            String("coordinate_transformation_mode", "half_pixel_symmetric"))[0].ToArray<float>();
        var adjustment = 2 / (4 * (double)0.6f);
        var offset = 2 * (1 - adjustment);
        float Expected(int j) => (float)Math.Clamp(offset + (j + 0.5) / 0.6f - 0.5, 0, 3);
        Assert.Equal(Expected(0), output[0], 5);
        Assert.Equal(Expected(1), output[1], 5);
        Assert.Throws<KernelException>(() => Run("Resize", 18, [input, null, Floats([1], 0.6f)],
            String("coordinate_transformation_mode", "half_pixel_symmetric")));
    }

    [Fact]
    public void Resize_18_infers_unknown_extents_under_a_keep_aspect_ratio_policy()
    {
        var info = Infer("Resize", 18, [ValueInfo.Known(DataType.Float, 4, 8), null, null, ValueInfo.Of(Longs(4, 4))],
            String("keep_aspect_ratio_policy", "not_larger"))[0];
        Assert.Equal(2, info.Shape!.Length);
        Assert.All(info.Shape, d => Assert.False(d.IsKnown));
        var stretch = Infer("Resize", 18, [ValueInfo.Known(DataType.Float, 4, 8), null, null, ValueInfo.Of(Longs(4, 4))])[0];
        Assert.Equal(Dims(4, 4), stretch.Shape);
    }

    [Theory]
    [InlineData("Reshape", 19)]
    [InlineData("Reshape", 21)]
    [InlineData("Shape", 21)]
    [InlineData("Size", 21)]
    [InlineData("Flatten", 21)]
    [InlineData("Squeeze", 21)]
    [InlineData("Unsqueeze", 21)]
    [InlineData("Transpose", 21)]
    [InlineData("Identity", 21)]
    [InlineData("Constant", 21)]
    [InlineData("ConstantOfShape", 20)]
    [InlineData("ConstantOfShape", 21)]
    [InlineData("Pad", 21)]
    [InlineData("Resize", 19)]
    public void Opset_18_to_21_versions_are_registered(string op, int version)
    {
        Assert.NotNull(KernelRegistry.Default.Find("", op, version));
    }

    [Fact]
    public void Transpose_21_moves_int4_values_unpacked()
    {
        var x = new Tensor(DataType.Int4, [2, 2], new sbyte[] { -8, 7, 1, -1 });
        var output = Run("Transpose", 21, [x])[0];
        Assert.Equal(DataType.Int4, output.ElementType);
        Assert.Equal([(sbyte)-8, 1, 7, -1], output.ToArray<sbyte>());
    }
}
