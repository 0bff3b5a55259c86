using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.TensorOps;

/// <summary>GatherND, ScatterND, ScatterElements, Scatter, CumSum, NonZero, OneHot.</summary>
public sealed class IndexingKernelTests
{
    private static Tensor Indices(int[] shape, params long[] values) => Tensor.Create(shape, values);

    [Fact]
    public void GatherND_picks_slices_by_tuples_and_counts_negative_indices_from_the_end()
    {
        // data [2, 3, 2]: tuples of length 2 pick rows of 2; [-1, -3] is [1, 0].
        var output = Run("GatherND", 13, [Iota(2, 3, 2), Indices([2, 2], 0, 2, -1, -3)])[0];
        Assert.Equal([2, 2], output.Shape);
        Assert.Equal([4f, 5, 6, 7], output.ToArray<float>());
    }

    [Fact]
    public void GatherND_12_batch_dims_indexes_within_each_batch()
    {
        // Batch 0 picks element 1 of row [0, 1, 2]; batch 1 picks element 2 of row [3, 4, 5].
        var output = Run("GatherND", 12, [Iota(2, 3), Indices([2, 1], 1, 2)], Int("batch_dims", 1))[0];
        Assert.Equal([2], output.Shape);
        Assert.Equal([1f, 5], output.ToArray<float>());
    }

    [Fact]
    public void GatherND_rejects_an_index_past_the_extent()
    {
        Assert.Throws<KernelException>(() => Run("GatherND", 13, [Iota(2, 3), Indices([1, 2], 2, 0)]));
    }

    [Fact]
    public void GatherND_infers_indices_prefix_plus_the_untouched_data_axes()
    {
        var info = Infer("GatherND", 13, [new ValueInfo(DataType.Float, Dims("N", 4, 5)), new ValueInfo(DataType.Int64, Dims("K", 7, 1))])[0];
        Assert.Equal(Dims("K", 7, 4, 5), info.Shape);
        var unknownTuple = Infer("GatherND", 13, [ValueInfo.Known(DataType.Float, 3, 4), new ValueInfo(DataType.Int64, Dims(2, "T"))])[0];
        Assert.Null(unknownTuple.Shape);
    }

    [Fact]
    public void ScatterND_replaces_slices_and_leaves_the_data_untouched()
    {
        var data = Iota(3, 2);
        var output = Run("ScatterND", 13, [data, Indices([2, 1], 2, 0), Floats([2, 2], 10, 11, 12, 13)])[0];
        Assert.Equal([12f, 13, 2, 3, 10, 11], output.ToArray<float>());
        Assert.Equal([0f, 1, 2, 3, 4, 5], data.ToArray<float>());
    }

    [Fact]
    public void ScatterND_16_adds_duplicates_in_order_and_18_takes_max_and_min()
    {
        var data = Floats([3], 1, 2, 3);
        var updates = Floats([3], 5, -4, 0.5f);
        var indices = Indices([3, 1], 0, 0, 2);
        Assert.Equal([2f, 2, 3.5f], Run("ScatterND", 16, [data, indices, updates], String("reduction", "add"))[0].ToArray<float>());
        Assert.Equal([-20f, 2, 1.5f], Run("ScatterND", 16, [data, indices, updates], String("reduction", "mul"))[0].ToArray<float>());
        Assert.Equal([5f, 2, 3], Run("ScatterND", 18, [data, indices, updates], String("reduction", "max"))[0].ToArray<float>());
        Assert.Equal([-4f, 2, 0.5f], Run("ScatterND", 18, [data, indices, updates], String("reduction", "min"))[0].ToArray<float>());
    }

    [Fact]
    public void ScatterND_16_refuses_max_which_arrives_at_18()
    {
        Assert.Throws<KernelException>(() => Run("ScatterND", 16, [Floats([2], 1, 2), Indices([1, 1], 0), Floats([1], 3)], String("reduction", "max")));
    }

    [Fact]
    public void ScatterND_13_ignores_a_reduction_attribute_it_does_not_define()
    {
        Assert.Equal([3f, 2], Run("ScatterND", 13, [Floats([2], 1, 2), Indices([1, 1], 0), Floats([1], 3)], String("reduction", "add"))[0].ToArray<float>());
    }

    [Fact]
    public void ScatterElements_writes_along_the_axis_with_negative_indices_and_reductions()
    {
        var data = Iota(2, 3);
        var indices = Indices([2, 2], 2, -3, 0, 0);
        var updates = Floats([2, 2], 10, 20, 30, 40);
        Assert.Equal([20f, 1, 10, 40, 4, 5], Run("ScatterElements", 13, [data, indices, updates], Int("axis", 1))[0].ToArray<float>());
        Assert.Equal([20f, 1, 12, 73, 4, 5],
            Run("ScatterElements", 16, [data, indices, updates], Int("axis", -1), String("reduction", "add"))[0].ToArray<float>());
        Assert.Equal([20f, 1, 10, 40, 4, 5],
            Run("ScatterElements", 18, [data, indices, updates], Int("axis", 1), String("reduction", "max"))[0].ToArray<float>());
    }

    [Fact]
    public void Scatter_9_behaves_as_ScatterElements_without_reduction()
    {
        var output = Run("Scatter", 9, [Iota(3), Indices([1], 1), Floats([1], 9)])[0];
        Assert.Equal([0f, 9, 2], output.ToArray<float>());
    }

    [Fact]
    public void ScatterElements_rejects_indices_wider_than_the_data_off_the_axis()
    {
        Assert.Throws<KernelException>(() => Run("ScatterElements", 13, [Iota(1, 2), Indices([2, 1], 0, 0), Floats([2, 1], 1, 2)], Int("axis", 1)));
    }

    [Fact]
    public void CumSum_supports_exclusive_and_reverse_along_a_negative_axis()
    {
        var x = Iota(2, 3);
        var axis = Tensor.Scalar(-1);
        Assert.Equal([0f, 1, 3, 3, 7, 12], Run("CumSum", 11, [x, axis])[0].ToArray<float>());
        Assert.Equal([0f, 0, 1, 0, 3, 7], Run("CumSum", 11, [x, axis], Int("exclusive", 1))[0].ToArray<float>());
        Assert.Equal([3f, 3, 2, 12, 9, 5], Run("CumSum", 11, [x, axis], Int("reverse", 1))[0].ToArray<float>());
        Assert.Equal([3f, 2, 0, 9, 5, 0], Run("CumSum", 14, [x, axis], Int("reverse", 1), Int("exclusive", 1))[0].ToArray<float>());
    }

    [Fact]
    public void CumSum_of_int64_along_axis_0_keeps_the_type()
    {
        var output = Run("CumSum", 11, [Tensor.Create([2, 2], new long[] { 1, 2, 3, 4 }), Tensor.Scalar(0L)])[0];
        Assert.Equal(DataType.Int64, output.ElementType);
        Assert.Equal([1L, 2, 4, 6], output.ToArray<long>());
    }

    [Fact]
    public void NonZero_lists_coordinates_row_major_as_rank_by_count()
    {
        var output = Run("NonZero", 13, [Floats([2, 2], 0, 3, -1, 0)])[0];
        Assert.Equal([2, 2], output.Shape);
        Assert.Equal([0L, 1, 1, 0], output.ToArray<long>());
        var none = Run("NonZero", 9, [Tensor.Create([3], new[] { false, false, false })])[0];
        Assert.Equal([1, 0], none.Shape);
        var scalar = Run("NonZero", 13, [Tensor.Scalar(5)])[0];
        Assert.Equal([1, 1], scalar.Shape);
    }

    [Fact]
    public void NonZero_treats_negative_zero_as_zero()
    {
        Assert.Equal([1, 1], Run("NonZero", 13, [Floats([2], -0f, 2)])[0].Shape);
    }

    [Fact]
    public void NonZero_infers_the_rank_and_an_unknown_count()
    {
        var info = Infer("NonZero", 13, [new ValueInfo(DataType.Float, Dims("N", 4, 5))])[0];
        Assert.Equal(DataType.Int64, info.ElementType);
        Assert.Equal(3, info.Shape![0].Value);
        Assert.False(info.Shape[1].IsKnown);
    }

    [Fact]
    public void OneHot_puts_the_new_axis_last_by_default_and_wraps_negative_indices()
    {
        var output = Run("OneHot", 11, [Indices([3], 1, -1, 5), Tensor.Scalar(3L), Floats([2], 0, 1)])[0];
        Assert.Equal([3, 3], output.Shape);
        Assert.Equal([0f, 1, 0, 0, 0, 1, 0, 0, 0], output.ToArray<float>());
    }

    [Fact]
    public void OneHot_with_axis_0_and_typed_values()
    {
        var output = Run("OneHot", 9, [Indices([2], 0, 2), Tensor.Create([1], new[] { 3f }), Tensor.Create([2], new[] { -1, 7 })], Int("axis", 0))[0];
        Assert.Equal([3, 2], output.Shape);
        Assert.Equal(DataType.Int32, output.ElementType);
        Assert.Equal([7, -1, -1, -1, -1, 7], output.ToArray<int>());
    }

    [Fact]
    public void OneHot_matches_nothing_for_a_fractional_index()
    {
        var output = Run("OneHot", 11, [Floats([1], 1.5f), Tensor.Scalar(3L), Floats([2], 0, 1)])[0];
        Assert.Equal([0f, 0, 0], output.ToArray<float>());
    }

    [Fact]
    public void OneHot_infers_depth_from_a_constant_and_unknown_otherwise()
    {
        var indices = new ValueInfo(DataType.Int64, Dims("N", 4));
        var values = ValueInfo.Known(DataType.Float, 2);
        var known = Infer("OneHot", 11, [indices, ValueInfo.Of(Tensor.Scalar(10L)), values], Int("axis", 1))[0];
        Assert.Equal(Dims("N", 10, 4), known.Shape);
        var unknown = Infer("OneHot", 11, [indices, ValueInfo.Known(DataType.Int64), values])[0];
        Assert.Equal(3, unknown.Shape!.Length);
        Assert.False(unknown.Shape[2].IsKnown);
    }
}
