using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Reduction;

/// <summary>The Reduce* kernels and ArgMax/ArgMin.</summary>
public sealed class ReductionKernelTests
{
    [Fact]
    public void ReduceSum_13_takes_axes_from_the_input_with_keepdims_by_default()
    {
        var output = Run("ReduceSum", 13, [Iota(2, 3), Longs(1)])[0];
        Assert.Equal([2, 1], output.Shape);
        Assert.Equal([3f, 12], output.ToArray<float>());
        var flat = Run("ReduceSum", 13, [Iota(2, 3), Longs(-2)], Int("keepdims", 0))[0];
        Assert.Equal([3], flat.Shape);
        Assert.Equal([3f, 5, 7], flat.ToArray<float>());
    }

    [Fact]
    public void ReduceSum_13_without_axes_reduces_all_unless_noop_with_empty_axes()
    {
        Assert.Equal([15f], Run("ReduceSum", 13, [Iota(2, 3)])[0].ToArray<float>());
        var noop = Run("ReduceSum", 13, [Iota(2, 3), Longs()], Int("noop_with_empty_axes", 1))[0];
        Assert.Equal([2, 3], noop.Shape);
        Assert.Equal(Iota(2, 3).ToArray<float>(), noop.ToArray<float>());
    }

    [Fact]
    public void ReduceSum_11_reads_the_axes_attribute()
    {
        Assert.Equal([3f, 5, 7], Run("ReduceSum", 11, [Iota(2, 3)], Ints("axes", 0), Int("keepdims", 0))[0].ToArray<float>());
    }

    [Fact]
    public void Reductions_compute_their_definitions_over_several_axes()
    {
        var x = Floats([2, 2, 2], 1, -2, 3, 4, 5, 6, -7, 8);
        Compression.Onnx.Protobuf.AttributeProto[] axes = [Ints("axes", 0, 2), Int("keepdims", 0)];
        Assert.Equal([2.5f, 2], Run("ReduceMean", 13, [x], axes)[0].ToArray<float>());
        Assert.Equal([6f, 8], Run("ReduceMax", 13, [x], axes)[0].ToArray<float>());
        Assert.Equal([-2f, -7], Run("ReduceMin", 13, [x], axes)[0].ToArray<float>());
        Assert.Equal([-60f, -672], Run("ReduceProd", 13, [x], axes)[0].ToArray<float>());
        Assert.Equal([66f, 138], Run("ReduceSumSquare", 13, [x], axes)[0].ToArray<float>());
        Assert.Equal([14f, 22], Run("ReduceL1", 13, [x], axes)[0].ToArray<float>());
        Assert.Equal([(float)Math.Sqrt(66), (float)Math.Sqrt(138)], Run("ReduceL2", 13, [x], axes)[0].ToArray<float>());
    }

    [Fact]
    public void ReduceMean_of_integers_truncates_and_ReduceMax_12_takes_int8()
    {
        Assert.Equal([2], Run("ReduceMean", 13, [Tensor.Create([3], new[] { 1, 2, 4 })])[0].ToArray<int>());
        Assert.Equal([(sbyte)-1], Run("ReduceMax", 12, [Tensor.Create([2], new sbyte[] { -5, -1 })])[0].ToArray<sbyte>());
    }

    [Fact]
    public void ReduceMax_propagates_NaN()
    {
        Assert.True(float.IsNaN(Run("ReduceMax", 13, [Floats([3], 1, float.NaN, 2)])[0].ToArray<float>()[0]));
    }

    [Fact]
    public void Float_sums_accumulate_in_double_in_a_fixed_order()
    {
        // 1e8 + 1 + ... + 1 (100 ones) - 1e8: float accumulation would lose every 1; a double accumulator keeps them.
        var values = new float[102];
        values[0] = 1e8f;
        for (var i = 1; i <= 100; i++) values[i] = 1;
        values[101] = -1e8f;
        Assert.Equal(100f, Run("ReduceSum", 13, [Floats([102], values)])[0].ToArray<float>()[0]);
    }

    [Fact]
    public void Reducing_leading_axes_equals_reducing_each_column_alone()
    {
        // Axes 0 and 1 of [3, 4, 5] go through the grouped path; each of the 5 outputs must equal the reduction of
        // its own column, computed through the one-output-at-a-time path (the whole of a [60] vector in that order).
        var random = new Random(11);
        var data = Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble()).ToArray();
        var grouped = Run("ReduceMean", 13, [Floats([3, 4, 5], data)], Ints("axes", 0, 1), Int("keepdims", 0))[0].ToArray<float>();
        for (var k = 0; k < 5; k++)
        {
            var column = Enumerable.Range(0, 12).Select(i => data[i * 5 + k]).ToArray();
            Assert.Equal(Run("ReduceMean", 13, [Floats([12], column)])[0].ToArray<float>()[0], grouped[k]);
        }
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var random = new Random(7);
        var data = Enumerable.Range(0, 64 * 300 * 7).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var input = Floats([64, 300, 7], data);
        float[] RunWith(int threads) => RunWithThreads("ReduceMean", 13, [input], threads, Ints("axes", 1)).ToArray<float>();
        var one = RunWith(1);
        Assert.Equal(one, RunWith(2));
        Assert.Equal(one, RunWith(4));
    }

    [Fact]
    public void Reductions_infer_shapes_with_symbolic_dims()
    {
        var input = new ValueInfo(DataType.Float, Dims("N", 3, 4));
        Assert.Equal(Dims("N", 1, 1), Infer("ReduceMean", 13, [input], Ints("axes", -1, 1))[0].Shape);
        Assert.Equal(Dims("N"), Infer("ReduceMean", 13, [input], Ints("axes", -1, 1), Int("keepdims", 0))[0].Shape);
        // ReduceSum 13 with unknown axes values: rank kept with keepdims, unknown without.
        var axes = new ValueInfo(DataType.Int64, Dims(1));
        Assert.Equal(3, Infer("ReduceSum", 13, [input, axes])[0].Rank);
        Assert.Null(Infer("ReduceSum", 13, [input, axes], Int("keepdims", 0))[0].Shape);
    }

    [Fact]
    public void ArgMax_12_select_last_index_picks_the_last_tie_and_11_ignores_it()
    {
        var x = Floats([2, 3], 1, 5, 5, 7, 7, 0);
        Assert.Equal([2L, 1], Run("ArgMax", 12, [x], Int("axis", 1), Int("select_last_index", 1), Int("keepdims", 0))[0].ToArray<long>());
        Assert.Equal([1L, 0], Run("ArgMax", 11, [x], Int("axis", 1), Int("select_last_index", 1), Int("keepdims", 0))[0].ToArray<long>());
        var min = Run("ArgMin", 13, [x], Int("axis", -1))[0];
        Assert.Equal([2, 1], min.Shape);
        Assert.Equal([0L, 2], min.ToArray<long>());
        Assert.Equal([1L, 1, 0], Run("ArgMax", 13, [x], Int("keepdims", 0))[0].ToArray<long>());
    }

    [Fact]
    public void ArgMax_infers_int64_with_the_axis_dropped_or_kept()
    {
        var inferred = Infer("ArgMax", 13, [new ValueInfo(DataType.Float, Dims("N", 10))], Int("axis", 1), Int("keepdims", 0))[0];
        Assert.Equal(DataType.Int64, inferred.ElementType);
        Assert.Equal(Dims("N"), inferred.Shape);
    }
}
