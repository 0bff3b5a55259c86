using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.TensorOps.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.TensorOps;

/// <summary>Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Constant, ConstantOfShape, Identity.</summary>
public sealed class ShapeKernelTests
{
    [Fact]
    public void Shape_15_takes_start_and_end_with_negative_values_and_clamping()
    {
        var input = Iota(2, 3, 4, 5);
        Assert.Equal([3L, 4L], Run("Shape", 15, [input], Int("start", 1), Int("end", -1))[0].ToArray<long>());
        Assert.Equal([2L, 3L, 4L, 5L], Run("Shape", 15, [input], Int("start", -10), Int("end", 99))[0].ToArray<long>());
        Assert.Empty(Run("Shape", 15, [input], Int("start", 3), Int("end", 1))[0].ToArray<long>());
    }

    [Fact]
    public void Shape_before_15_ignores_start_and_end()
    {
        Assert.Equal([2L, 3L], Run("Shape", 13, [Iota(2, 3)], Int("start", 1))[0].ToArray<long>());
    }

    [Fact]
    public void Shape_infers_a_constant_when_the_dims_are_known_and_only_the_rank_otherwise()
    {
        var known = Infer("Shape", 13, [ValueInfo.Known(DataType.Float, 1, 3, 8)])[0];
        Assert.Equal([1L, 3L, 8L], known.Constant!.ToArray<long>());
        var symbolic = Infer("Shape", 13, [new ValueInfo(DataType.Float, Dims("N", 3))])[0];
        Assert.Null(symbolic.Constant);
        Assert.Equal(DataType.Int64, symbolic.ElementType);
        Assert.Equal(Dims(2), symbolic.Shape);
        // With start = 1 only the known part is selected, so it is constant again.
        Assert.Equal([3L], Infer("Shape", 15, [new ValueInfo(DataType.Float, Dims("N", 3))], Int("start", 1))[0].Constant!.ToArray<long>());
    }

    [Fact]
    public void Size_counts_elements_and_folds_known_shapes()
    {
        Assert.Equal(24L, Run("Size", 13, [Iota(2, 3, 4)])[0].ToArray<long>()[0]);
        Assert.Equal(0L, Run("Size", 13, [Iota(2, 0)])[0].ToArray<long>()[0]);
        Assert.Equal(6L, Infer("Size", 13, [ValueInfo.Known(DataType.Float, 2, 3)])[0].Constant!.ToArray<long>()[0]);
        Assert.Null(Infer("Size", 13, [new ValueInfo(DataType.Float, Dims("N", 3))])[0].Constant);
    }

    [Fact]
    public void Reshape_zero_copies_the_input_dim_and_minus_one_takes_the_rest()
    {
        var input = Iota(2, 3, 4);
        var output = Run("Reshape", 13, [input, Longs(0, -1)])[0];
        Assert.Equal([2, 12], output.Shape);
        Assert.Same(input.Data, output.Data);
    }

    [Fact]
    public void Reshape_14_allowzero_makes_zero_a_real_extent()
    {
        var empty = Iota(0, 3);
        Assert.Equal([3, 0], Run("Reshape", 14, [empty, Longs(3, 0)], Int("allowzero", 1))[0].Shape);
        // Without allowzero the 0 copies the input's 3 and the element count no longer matches.
        Assert.Throws<KernelException>(() => Run("Reshape", 14, [Iota(2, 3), Longs(3, 0)]));
    }

    [Fact]
    public void Reshape_rejects_two_minus_ones_and_wrong_counts()
    {
        Assert.Throws<KernelException>(() => Run("Reshape", 13, [Iota(2, 3), Longs(-1, -1)]));
        Assert.Throws<KernelException>(() => Run("Reshape", 13, [Iota(2, 3), Longs(4, 2)]));
    }

    [Fact]
    public void Reshape_1_reads_the_shape_attribute()
    {
        Assert.Equal([3, 2], Run("Reshape", 1, [Iota(2, 3)], Ints("shape", 3, -1))[0].Shape);
    }

    [Fact]
    public void Reshape_infers_through_symbolic_batch_dims()
    {
        var input = new ValueInfo(DataType.Float, Dims("N", 4, 5));
        var shape = ValueInfo.Of(Longs(0, 20));
        Assert.Equal(Dims("N", 20), Infer("Reshape", 13, [input, shape])[0].Shape);
        var flat = ValueInfo.Of(Longs(0, -1));
        Assert.Equal(Dims("N", 20), Infer("Reshape", 13, [input, flat])[0].Shape);
        var unknownShape = new ValueInfo(DataType.Int64, Dims(3));
        Assert.Equal(Dims(null!, null!, null!), Infer("Reshape", 13, [input, unknownShape])[0].Shape);
    }

    [Fact]
    public void Flatten_accepts_negative_axis_and_axis_zero()
    {
        Assert.Equal([6, 4], Run("Flatten", 13, [Iota(2, 3, 4)], Int("axis", -1))[0].Shape);
        Assert.Equal([1, 24], Run("Flatten", 13, [Iota(2, 3, 4)], Int("axis", 0))[0].Shape);
        Assert.Equal([2, 12], Run("Flatten", 9, [Iota(2, 3, 4)])[0].Shape);
        Assert.Equal(Dims(null!, 12), Infer("Flatten", 13, [new ValueInfo(DataType.Float, Dims("N", 3, 4))])[0].Shape);
    }

    [Fact]
    public void Squeeze_13_reads_axes_from_the_input_and_11_from_the_attribute()
    {
        var input = Iota(1, 3, 1, 2);
        Assert.Equal([3, 1, 2], Run("Squeeze", 13, [input, Longs(0)])[0].Shape);
        Assert.Equal([1, 3, 2], Run("Squeeze", 11, [input], Ints("axes", -2))[0].Shape);
        Assert.Equal([3, 2], Run("Squeeze", 13, [input])[0].Shape);
        Assert.Throws<KernelException>(() => Run("Squeeze", 13, [input, Longs(1)]));
    }

    [Fact]
    public void Squeeze_without_axes_cannot_know_the_rank_when_a_dim_is_unknown()
    {
        Assert.Null(Infer("Squeeze", 13, [new ValueInfo(DataType.Float, Dims("N", 1, 3))])[0].Shape);
        Assert.Equal(Dims("N", 3), Infer("Squeeze", 11, [new ValueInfo(DataType.Float, Dims("N", 1, 3))], Ints("axes", 1))[0].Shape);
    }

    [Fact]
    public void Unsqueeze_places_axes_in_the_output_rank_including_negative_ones()
    {
        Assert.Equal([1, 3, 4, 1], Run("Unsqueeze", 13, [Iota(3, 4), Longs(0, -1)])[0].Shape);
        Assert.Equal([3, 1, 4], Run("Unsqueeze", 11, [Iota(3, 4)], Ints("axes", 1))[0].Shape);
        Assert.Equal([1], Run("Unsqueeze", 13, [Tensor.Scalar(5f), Longs(0)])[0].Shape);
        Assert.Throws<KernelException>(() => Run("Unsqueeze", 13, [Iota(3), Longs(0, 0)]));
        Assert.Equal(Dims(1, "N", 3), Infer("Unsqueeze", 13, [new ValueInfo(DataType.Float, Dims("N", 3)), ValueInfo.Of(Longs(0))])[0].Shape);
    }

    [Fact]
    public void Constant_reads_every_value_form()
    {
        Assert.Equal([1L, 2L], Run("Constant", 13, [], Ints("value_ints", 1, 2))[0].ToArray<long>());
        var scalar = Run("Constant", 13, [], Float("value_float", 2.5f))[0];
        Assert.Empty(scalar.Shape);
        Assert.Equal(2.5f, scalar.ToArray<float>()[0]);
        Assert.Equal(DataType.Int64, Run("Constant", 12, [], Int("value_int", 7))[0].ElementType);
        Assert.Equal(["a"], Run("Constant", 13, [], String("value_string", "a"))[0].ToArray<string>());
        var tensor = Floats([2], 1, 2);
        Assert.Equal([1f, 2f], Run("Constant", 9, [], TensorAttribute("value", tensor))[0].ToArray<float>());
    }

    [Fact]
    public void Constant_sparse_value_is_reported_as_unsupported()
    {
        var sparse = new Compression.Onnx.Protobuf.AttributeProto { Name = "sparse_value", Type = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType.SparseTensor, SparseTensor = new() };
        var e = Assert.Throws<KernelException>(() => Run("Constant", 13, [], sparse));
        Assert.Contains("sparse", e.Message);
    }

    [Fact]
    public void ConstantOfShape_defaults_to_float_zero_and_takes_the_value_type()
    {
        var zeros = Run("ConstantOfShape", 9, [Longs(2, 3)])[0];
        Assert.Equal(DataType.Float, zeros.ElementType);
        Assert.All(zeros.ToArray<float>(), v => Assert.Equal(0f, v));
        var sevens = Run("ConstantOfShape", 9, [Longs(4)], TensorAttribute("value", Tensor.Create([1], new long[] { 7 })))[0];
        Assert.Equal([7L, 7L, 7L, 7L], sevens.ToArray<long>());
        Assert.Empty(Run("ConstantOfShape", 9, [Longs(0)])[0].ToArray<float>());
        var inferred = Infer("ConstantOfShape", 9, [new ValueInfo(DataType.Int64, Dims(3))], TensorAttribute("value", Tensor.Create([1], new int[] { 1 })))[0];
        Assert.Equal(DataType.Int32, inferred.ElementType);
        Assert.Equal(3, inferred.Rank);
    }

    [Fact]
    public void Identity_returns_the_input_itself()
    {
        var input = Iota(2);
        Assert.Same(input, Run("Identity", 16, [input])[0]);
    }
}
