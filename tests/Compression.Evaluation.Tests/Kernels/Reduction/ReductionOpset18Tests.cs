using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Reduction;

/// <summary>ReduceLogSum, ReduceLogSumExp, and the reductions' versions 18 (axes input) and 20 (bool).</summary>
public sealed class ReductionOpset18Tests
{
    [Theory]
    [InlineData("ReduceMean")]
    [InlineData("ReduceMax")]
    [InlineData("ReduceProd")]
    [InlineData("ReduceL2")]
    [InlineData("ReduceLogSumExp")]
    public void Version_18_takes_axes_from_the_input_and_13_from_the_attribute(string op)
    {
        var fromInput = Run(op, 18, [Iota(2, 3), Longs(1)], Int("keepdims", 0))[0];
        Assert.Equal([2], fromInput.Shape);
        var fromAttribute = Run(op, 13, [Iota(2, 3)], Ints("axes", 1), Int("keepdims", 0))[0];
        Assert.Equal(fromAttribute.ToArray<float>(), fromInput.ToArray<float>());
    }

    [Fact]
    public void Version_18_without_axes_reduces_everything_unless_noop_with_empty_axes()
    {
        Assert.Equal([1, 1], Run("ReduceMean", 18, [Iota(2, 3)])[0].Shape);
        var noop = Run("ReduceMean", 18, [Iota(2, 3), Longs()], Int("noop_with_empty_axes", 1))[0];
        Assert.Equal(Iota(2, 3).ToArray<float>(), noop.ToArray<float>());
        // Before 18 noop_with_empty_axes means nothing: no axes attribute reduces all.
        Assert.Equal([1, 1], Run("ReduceMean", 13, [Iota(2, 3)], Int("noop_with_empty_axes", 1))[0].Shape);
    }

    [Fact]
    public void ReduceLogSum_is_the_log_of_the_sum()
    {
        var output = Run("ReduceLogSum", 13, [Floats([2, 2], 1, 2, 3, 4)], Ints("axes", 1), Int("keepdims", 0))[0].ToArray<float>();
        Assert.Equal((float)Math.Log(3), output[0], 6);
        Assert.Equal((float)Math.Log(7), output[1], 6);
    }

    [Fact]
    public void ReduceLogSumExp_stays_finite_for_inputs_whose_exponential_overflows()
    {
        var output = Run("ReduceLogSumExp", 13, [Floats([2], 1000, 1000)])[0].ToArray<float>();
        Assert.Equal(1000 + (float)Math.Log(2), output[0], 3);
        var grouped = Run("ReduceLogSumExp", 18, [Floats([2, 2], 1000, -1000, 1000, -1000), Longs(0)], Int("keepdims", 0))[0].ToArray<float>();
        Assert.Equal(1000 + (float)Math.Log(2), grouped[0], 3);
        Assert.Equal(-1000 + (float)Math.Log(2), grouped[1], 3);
    }

    [Fact]
    public void ReduceLogSumExp_of_minus_infinity_is_minus_infinity_not_NaN()
    {
        var output = Run("ReduceLogSumExp", 13, [Floats([2], float.NegativeInfinity, float.NegativeInfinity)])[0].ToArray<float>();
        Assert.Equal(float.NegativeInfinity, output[0]);
    }

    [Fact]
    public void ReduceLogSum_of_integers_truncates_the_logarithm()
    {
        Assert.Equal([2], Run("ReduceLogSum", 13, [Tensor.Create([2], new[] { 4, 5 })])[0].ToArray<int>());
    }

    [Fact]
    public void ReduceMax_and_ReduceMin_20_are_or_and_and_over_booleans()
    {
        var flags = Tensor.Create([2, 2], new[] { true, false, false, false });
        Assert.Equal([true, false], Run("ReduceMax", 20, [flags, Longs(1)], Int("keepdims", 0))[0].ToArray<bool>());
        Assert.Equal([false, false], Run("ReduceMin", 20, [flags, Longs(1)], Int("keepdims", 0))[0].ToArray<bool>());
        Assert.Equal([true], Run("ReduceMin", 20, [Tensor.Create([2], new[] { true, true })])[0].ToArray<bool>());
        Assert.Throws<Compression.Evaluation.Execution.KernelException>(() => Run("ReduceMax", 18, [flags]));
    }

    [Fact]
    public void Version_18_infers_the_rank_when_the_axes_input_is_not_constant()
    {
        var info = Infer("ReduceL1", 18, [new ValueInfo(DataType.Float, Dims("N", 3)), ValueInfo.Known(DataType.Int64, 1)])[0];
        Assert.Equal(2, info.Shape!.Length);
        var constant = Infer("ReduceL1", 18, [new ValueInfo(DataType.Float, Dims("N", 3)), ValueInfo.Of(Longs(1))], Int("keepdims", 0))[0];
        Assert.Equal(Dims("N"), constant.Shape);
    }
}
