using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.TensorOps;

/// <summary>Transpose, Concat, Split, Slice, Gather, GatherElements, Expand, Tile, Pad, DepthToSpace, SpaceToDepth.</summary>
public sealed class DataMovementKernelTests
{
    /// <summary>The transpose by definition: output[i] = input[permuted i], one element at a time.</summary>
    private static float[] NaiveTranspose(float[] x, int[] shape, int[] perm)
    {
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStrides = ShapeMath.Strides(shape);
        var y = new float[x.Length];
        var index = new int[shape.Length];
        for (var o = 0; o < y.Length; o++)
        {
            var rest = o;
            var from = 0;
            for (var d = outShape.Length - 1; d >= 0; d--)
            {
                index[d] = rest % outShape[d];
                rest /= outShape[d];
                from += index[d] * inStrides[perm[d]];
            }
            y[o] = x[from];
        }
        return y;
    }

    [Theory]
    [InlineData(new[] { 2, 3, 5, 7 }, new[] { 0, 2, 3, 1 })] // NCHW -> NHWC (tiled matrix path)
    [InlineData(new[] { 2, 5, 7, 3 }, new[] { 0, 3, 1, 2 })] // NHWC -> NCHW
    [InlineData(new[] { 33, 40 }, new[] { 1, 0 })]           // tiles with ragged edges
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 1, 0, 2, 3 })] // innermost kept: run copies
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 3, 1, 0, 2 })] // general strided path
    [InlineData(new[] { 1, 3, 1, 4 }, new[] { 2, 3, 0, 1 })] // extent-1 axes dropped
    public void Transpose_matches_the_definition_on_every_path(int[] shape, int[] perm)
    {
        var input = Iota(shape);
        var output = Run("Transpose", 13, [input], Ints("perm", perm.Select(p => (long)p).ToArray()))[0];
        Assert.Equal(perm.Select(p => shape[p]).ToArray(), output.Shape);
        Assert.Equal(NaiveTranspose(input.ToArray<float>(), shape, perm), output.ToArray<float>());
    }

    [Fact]
    public void Transpose_defaults_to_reversing_axes_and_moves_strings()
    {
        var input = Tensor.Create([2, 3], new[] { "a", "b", "c", "d", "e", "f" });
        var output = Run("Transpose", 1, [input])[0];
        Assert.Equal([3, 2], output.Shape);
        Assert.Equal(["a", "d", "b", "e", "c", "f"], output.ToArray<string>());
        Assert.Equal(Dims(3, "N"), Infer("Transpose", 13, [new ValueInfo(DataType.String, Dims("N", 3))])[0].Shape);
    }

    [Fact]
    public void Concat_joins_along_a_negative_axis_and_skips_empty_inputs()
    {
        var a = Floats([2, 1], 1, 2);
        var b = Floats([2, 2], 3, 4, 5, 6);
        var empty = Floats([2, 0]);
        var output = Run("Concat", 13, [a, empty, b], Int("axis", -1))[0];
        Assert.Equal([2, 3], output.Shape);
        Assert.Equal([1f, 3, 4, 2, 5, 6], output.ToArray<float>());
        Assert.Throws<KernelException>(() => Run("Concat", 13, [a, Floats([3, 1], 1, 2, 3)], Int("axis", 1)));
    }

    [Fact]
    public void Concat_infers_the_sum_only_when_every_extent_is_known()
    {
        var known = Infer("Concat", 13, [new ValueInfo(DataType.Float, Dims("N", 2)), new ValueInfo(DataType.Float, Dims("N", 3))], Int("axis", 1))[0];
        Assert.Equal(Dims("N", 5), known.Shape);
        var unknown = Infer("Concat", 13, [new ValueInfo(DataType.Float, Dims("N", 2)), new ValueInfo(DataType.Float, Dims(null!, "M"))], Int("axis", 1))[0];
        Assert.Equal(Dims("N", null!), unknown.Shape);
    }

    [Fact]
    public void Split_13_takes_lengths_from_the_input_and_11_from_the_attribute()
    {
        var input = Iota(2, 5);
        var fromInput = RunOutputs("Split", 13, [input, Longs(2, 3)], 2, Int("axis", 1));
        Assert.Equal([0f, 1, 5, 6], fromInput[0].ToArray<float>());
        Assert.Equal([2, 3], fromInput[1].Shape);
        var fromAttribute = RunOutputs("Split", 11, [input], 2, Int("axis", -1), Ints("split", 4, 1));
        Assert.Equal([4f, 9], fromAttribute[1].ToArray<float>());
        var even = RunOutputs("Split", 13, [Iota(6)], 3);
        Assert.Equal([4f, 5], even[2].ToArray<float>());
        Assert.Throws<KernelException>(() => RunOutputs("Split", 13, [Iota(5)], 2));
    }

    [Fact]
    public void Slice_handles_negative_steps_and_clamps_out_of_range_bounds()
    {
        var input = Iota(2, 5);
        var reversed = Run("Slice", 13, [input, Longs(-1), Longs(long.MinValue), Longs(1), Longs(-2)])[0];
        Assert.Equal([2, 3], reversed.Shape);
        Assert.Equal([4f, 2, 0, 9, 7, 5], reversed.ToArray<float>());
        var clamped = Run("Slice", 10, [input, Longs(1, -100), Longs(long.MaxValue, 2)])[0];
        Assert.Equal([1, 2], clamped.Shape);
        Assert.Equal([5f, 6], clamped.ToArray<float>());
        var empty = Run("Slice", 13, [input, Longs(3), Longs(1), Longs(1)])[0];
        Assert.Equal([2, 0], empty.Shape);
    }

    [Fact]
    public void Slice_1_reads_attributes()
    {
        var output = Run("Slice", 1, [Iota(3, 4)], Ints("starts", 1), Ints("ends", 3), Ints("axes", 0))[0];
        Assert.Equal([2, 4], output.Shape);
        Assert.Equal(4f, output.ToArray<float>()[0]);
    }

    [Fact]
    public void Slice_infers_known_axes_and_keeps_symbolic_untouched_axes()
    {
        var input = new ValueInfo(DataType.Float, Dims("N", 10));
        var inferred = Infer("Slice", 13, [input, ValueInfo.Of(Longs(2)), ValueInfo.Of(Longs(-1)), ValueInfo.Of(Longs(1)), ValueInfo.Of(Longs(3))])[0];
        Assert.Equal(Dims("N", 3), inferred.Shape);
        var unknownStarts = Infer("Slice", 13, [input, new ValueInfo(DataType.Int64, Dims(1)), ValueInfo.Of(Longs(-1))])[0];
        Assert.Equal(2, unknownStarts.Rank);
    }

    [Fact]
    public void Gather_takes_negative_indices_and_a_scalar_index_drops_the_axis()
    {
        var data = Iota(3, 2);
        var rows = Run("Gather", 13, [data, Tensor.Create([2], new long[] { -1, 0 })])[0];
        Assert.Equal([2, 2], rows.Shape);
        Assert.Equal([4f, 5, 0, 1], rows.ToArray<float>());
        var column = Run("Gather", 13, [data, Tensor.Scalar(1)], Int("axis", 1))[0];
        Assert.Equal([3], column.Shape);
        Assert.Equal([1f, 3, 5], column.ToArray<float>());
        Assert.Throws<KernelException>(() => Run("Gather", 13, [data, Tensor.Scalar(3L)]));
        Assert.Equal(Dims("N", 2, 4), Infer("Gather", 13,
            [new ValueInfo(DataType.Float, Dims("N", 5, 4)), new ValueInfo(DataType.Int64, Dims(2))], Int("axis", 1))[0].Shape);
    }

    [Fact]
    public void GatherElements_picks_along_the_axis_per_element()
    {
        var data = Floats([2, 2], 1, 2, 3, 4);
        var indices = Tensor.Create([2, 2], new long[] { 0, 0, 1, -2 });
        Assert.Equal([1f, 1, 4, 3], Run("GatherElements", 13, [data, indices], Int("axis", 1))[0].ToArray<float>());
        Assert.Equal([1f, 2, 3, 2], Run("GatherElements", 11, [data, indices], Int("axis", 0))[0].ToArray<float>());
    }

    [Fact]
    public void Expand_broadcasts_both_ways()
    {
        var column = Floats([3, 1], 1, 2, 3);
        var output = Run("Expand", 13, [column, Longs(2, 1, 2)])[0];
        Assert.Equal([2, 3, 2], output.Shape);
        Assert.Equal([1f, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3], output.ToArray<float>());
        Assert.Equal(Dims(null!, 3, null!), Infer("Expand", 8, [ValueInfo.Known(DataType.Float, 3, 1), new ValueInfo(DataType.Int64, Dims(3))])[0].Shape);
    }

    [Fact]
    public void Tile_repeats_every_axis()
    {
        var output = Run("Tile", 13, [Floats([2, 2], 1, 2, 3, 4), Longs(2, 2)])[0];
        Assert.Equal([4, 4], output.Shape);
        Assert.Equal([1f, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4], output.ToArray<float>());
        Assert.Equal([2, 0], Run("Tile", 6, [Floats([2, 2], 1, 2, 3, 4), Longs(1, 0)])[0].Shape);
    }

    [Theory]
    [InlineData("constant", new float[] { 9, 9, 1, 2, 3, 9 })]
    [InlineData("reflect", new float[] { 3, 2, 1, 2, 3, 2 })]
    [InlineData("edge", new float[] { 1, 1, 1, 2, 3, 3 })]
    public void Pad_fills_by_mode(string mode, float[] expected)
    {
        var input = Floats([1, 3], 1, 2, 3);
        var output = Run("Pad", 13, [input, Longs(0, 2, 0, 1), Floats([], 9)], String("mode", mode))[0];
        Assert.Equal([1, 6], output.Shape);
        Assert.Equal(expected, output.ToArray<float>());
    }

    [Fact]
    public void Pad_edge_repeats_whole_rows_on_outer_axes()
    {
        var output = Run("Pad", 13, [Floats([2, 2], 1, 2, 3, 4), Longs(2, 0, 1, 1)], String("mode", "edge"))[0];
        Assert.Equal([5, 3], output.Shape);
        Assert.Equal([1f, 2, 2, 1, 2, 2, 1, 2, 2, 3, 4, 4, 3, 4, 4], output.ToArray<float>());
    }

    [Fact]
    public void Pad_2_uses_attributes_and_negative_pads_crop()
    {
        var padded = Run("Pad", 2, [Floats([2], 1, 2)], Ints("pads", 1, 0), Float("value", -1))[0];
        Assert.Equal([-1f, 1, 2], padded.ToArray<float>());
        var cropped = Run("Pad", 11, [Floats([4], 1, 2, 3, 4), Longs(-1, 1)])[0];
        Assert.Equal([2f, 3, 4, 0], cropped.ToArray<float>());
        Assert.Equal(Dims("N", 5), Infer("Pad", 11, [new ValueInfo(DataType.Float, Dims("N", 2)), ValueInfo.Of(Longs(0, 1, 0, 2))])[0].Shape);
    }

    [Fact]
    public void DepthToSpace_DCR_and_CRD_differ_and_SpaceToDepth_inverts_DCR()
    {
        var input = Iota(1, 8, 2, 3);
        var dcr = Run("DepthToSpace", 13, [input], Int("blocksize", 2))[0];
        var crd = Run("DepthToSpace", 13, [input], Int("blocksize", 2), String("mode", "CRD"))[0];
        Assert.Equal([1, 2, 4, 6], dcr.Shape);
        Assert.NotEqual(dcr.ToArray<float>(), crd.ToArray<float>());
        // DCR: output[0, c, 2h + i, 2w + j] = input[0, (2i + j)·C/4 + c, h, w].
        Assert.Equal(input.ToArray<float>()[((1 * 2 + 0) * 2 + 0) * 6], dcr.ToArray<float>()[1 * 6]);
        var back = Run("SpaceToDepth", 13, [dcr], Int("blocksize", 2))[0];
        Assert.Equal(input.ToArray<float>(), back.ToArray<float>());
    }
}
