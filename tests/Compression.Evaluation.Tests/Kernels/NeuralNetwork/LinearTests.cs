using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.NeuralNetwork.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

public class LinearTests
{
    [Fact]
    public void Gemm_applies_transposes_alpha_and_a_row_broadcast_C()
    {
        var a = F([2, 2], 1, 2, 3, 4);          // Aᵀ = [[1, 3], [2, 4]]
        var b = F([2, 2], 1, 0, 0, 1);
        var c = F([2], 10, 20);
        var y = Run1(Node("Gemm", 3, 1, ("transA", 1), ("alpha", 2f), ("beta", 0.5f)), 13, a, b, c);
        Assert.Equal(new[] { 7f, 16, 9, 18 }, y.ToArray<float>());
    }

    [Fact]
    public void Gemm_11_runs_without_C()
    {
        var y = Run1(Node("Gemm", 2, 1, ("transB", 1)), 11, F([1, 3], 1, 2, 3), F([2, 3], 1, 1, 1, 0, 0, 1));
        Assert.Equal(new[] { 1, 2 }, y.Shape);
        Assert.Equal(new[] { 6f, 3 }, y.ToArray<float>());
    }

    [Fact]
    public void MatMul_of_two_vectors_is_a_scalar()
    {
        var y = Run1(Node("MatMul", 2), 13, F([3], 1, 2, 3), F([3], 4, 5, 6));
        Assert.Empty(y.Shape);
        Assert.Equal(32f, y.ToArray<float>()[0]);
    }

    [Fact]
    public void MatMul_broadcasts_batch_axes_like_numpy()
    {
        var a = Random(1, 2, 1, 3, 4);
        var b = Random(2, 3, 4, 5);
        var y = Run1(Node("MatMul", 2), 13, a, b);
        Assert.Equal(new[] { 2, 3, 3, 5 }, y.Shape);
        var xs = a.ToArray<float>();
        var ws = b.ToArray<float>();
        var ys = y.ToArray<float>();
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                for (var r = 0; r < 3; r++)
                    for (var c = 0; c < 5; c++)
                    {
                        double s = 0;
                        for (var k = 0; k < 4; k++) s += (double)xs[(i * 3 + r) * 4 + k] * ws[(j * 4 + k) * 5 + c];
                        Assert.Equal(s, ys[((i * 3 + j) * 3 + r) * 5 + c], 5);
                    }
    }

    [Fact]
    public void MatMul_folds_a_batch_against_a_shared_matrix_and_matches_the_per_batch_product()
    {
        var a = Random(3, 4, 37, 53);
        var b = Random(4, 53, 29);
        var folded = Run1(Node("MatMul", 2), 13, a, b).ToArray<float>();
        var broadcast = Run1(Node("MatMul", 2), 13, a, Tensor.Create([1, 53, 29], b.ToArray<float>())).ToArray<float>();
        Assert.Equal(folded, broadcast);
    }

    [Fact]
    public void MatMul_on_int64_wraps_and_sums_exactly()
    {
        var y = Run1(Node("MatMul", 2), 13, Tensor.Create([1, 2], new long[] { 3, 4 }), Tensor.Create([2, 1], new long[] { 5, 6 }));
        Assert.Equal(new long[] { 39 }, y.ToArray<long>());
    }

    [Fact]
    public void MatMul_infers_symbolic_batch_and_drops_vector_axes()
    {
        var a = new ValueInfo(DataType.Float, [Dim.Named("B"), 7, 4]);
        var b = ValueInfo.Known(DataType.Float, 4);
        var info = Infer(Node("MatMul", 2), 13, a, b)[0];
        Assert.Equal(2, info.Shape!.Length);
        Assert.Equal("B", info.Shape[0].Symbol);
        Assert.Equal(7, info.Shape[1].Value);
    }

    [Fact]
    public void Mismatched_inner_dimensions_fail_with_both_shapes()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Run1(Node("MatMul", 2), 13, Random(1, 2, 3), Random(2, 4, 2)));
        Assert.Contains("inner", ex.Message);
    }
}
