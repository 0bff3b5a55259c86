using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.Recurrent.OpRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.MathOps;

public class MathOpsKernelTests
{
    private static Tensor K(long k) => Tensor.Create([1], new[] { k });

    [Fact]
    public void TopK_orders_equal_values_by_lower_index_for_largest_and_smallest()
    {
        var x = Tensor.Create([6], new long[] { 3, 1, 3, 2, 1, 3 });
        var largest = Run("TopK", 11, [x, K(4)], 2);
        Assert.Equal(new long[] { 3, 3, 3, 2 }, largest[0].ToArray<long>());
        Assert.Equal(new long[] { 0, 2, 5, 3 }, largest[1].ToArray<long>());
        var smallest = Run("TopK", 11, [x, K(3)], 2, ("largest", 0));
        Assert.Equal(new long[] { 1, 1, 2 }, smallest[0].ToArray<long>());
        Assert.Equal(new long[] { 1, 4, 3 }, smallest[1].ToArray<long>());
    }

    [Fact]
    public void TopK_1_reads_k_from_the_attribute_and_10_ignores_largest()
    {
        var x = Tensor.Create([2, 3], new[] { 1f, 5f, 3f, 9f, 7f, 8f });
        var v1 = Run("TopK", 1, [x], 2, ("k", 2), ("axis", 1));
        Assert.Equal(new[] { 5f, 3f, 9f, 8f }, v1[0].ToArray<float>());
        var v10 = Run("TopK", 10, [x, K(1)], 2, ("axis", 0), ("largest", 0));
        Assert.Equal(new[] { 9f, 7f, 8f }, v10[0].ToArray<float>());
        Assert.Equal(new long[] { 1, 1, 1 }, v10[1].ToArray<long>());
    }

    [Fact]
    public void TopK_puts_nan_first_when_largest_and_handles_k_zero()
    {
        var x = Tensor.Create([3], new[] { 1f, float.NaN, 2f });
        var y = Run("TopK", 11, [x, K(2)], 2);
        Assert.True(float.IsNaN(y[0].ToArray<float>()[0]));
        Assert.Equal(new long[] { 1, 2 }, y[1].ToArray<long>());
        var empty = Run("TopK", 11, [x, K(0)], 2);
        Assert.Equal([0], empty[0].Shape);
        Assert.Throws<KernelException>(() => Run("TopK", 11, [x, K(4)], 2));
    }

    [Fact]
    public void TopK_infers_k_from_a_constant_and_leaves_it_unknown_otherwise()
    {
        var x = new ValueInfo(DataType.Float, [Dim.Named("N"), 10]);
        var known = Infer("TopK", 11, [x, ValueInfo.Of(K(3))], 2);
        Assert.Equal("Float[N, 3]", known[0].ToString());
        Assert.Equal("Int64[N, 3]", known[1].ToString());
        var unknown = Infer("TopK", 11, [x, ValueInfo.Known(DataType.Int64, 1)], 2, ("axis", 0));
        Assert.Equal("Float[?, 10]", unknown[0].ToString());
    }

    [Fact]
    public void Einsum_matmul_and_batched_matmul_match_hand_results()
    {
        var a = Tensor.Create([2, 3], new[] { 1f, 2f, 3f, 4f, 5f, 6f });
        var b = Tensor.Create([3, 2], new[] { 1f, 0f, 0f, 1f, 1f, 1f });
        Assert.Equal(new[] { 4f, 5f, 10f, 11f }, Run("Einsum", 12, [a, b], 1, ("equation", "ij,jk->ik"))[0].ToArray<float>());
        var batched = Run("Einsum", 12, [a.WithShape([1, 2, 3]), b], 1, ("equation", "...ij,jk->...ik"))[0];
        Assert.Equal([1, 2, 2], batched.Shape);
    }

    [Fact]
    public void Einsum_implicit_output_sorts_the_single_labels_so_ji_transposes()
    {
        var a = Tensor.Create([2, 3], new[] { 1, 2, 3, 4, 5, 6 });
        var t = Run("Einsum", 12, [a], 1, ("equation", "ji"))[0];
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal(new[] { 1, 4, 2, 5, 3, 6 }, t.ToArray<int>());
    }

    [Fact]
    public void Einsum_repeated_labels_take_the_diagonal_and_missing_labels_sum()
    {
        var m = Tensor.Create([3, 3], new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9 });
        Assert.Equal(new[] { 1.0, 5, 9 }, Run("Einsum", 12, [m], 1, ("equation", "ii->i"))[0].ToArray<double>());
        Assert.Equal(new[] { 15.0 }, Run("Einsum", 12, [m], 1, ("equation", "ii"))[0].ToArray<double>());
        Assert.Equal(new[] { 45.0 }, Run("Einsum", 12, [m], 1, ("equation", "ij->"))[0].ToArray<double>());
    }

    [Fact]
    public void Einsum_results_do_not_depend_on_the_thread_count()
    {
        var a = Random(1, 4, 64, 33);
        var b = Random(2, 4, 33, 48);
        var one = Run("Einsum", 12, 1, [a, b], 1, ("equation", "bij,bjk->bik"))[0];
        var two = Run("Einsum", 12, 2, [a, b], 1, ("equation", "bij,bjk->bik"))[0];
        Assert.Equal(one.ToArray<float>(), two.ToArray<float>());
    }

    [Fact]
    public void Einsum_infers_the_output_and_rejects_mismatched_sizes()
    {
        var q = new ValueInfo(DataType.Float, [Dim.Named("B"), 8, Dim.Unknown, 64]);
        var k = new ValueInfo(DataType.Float, [Dim.Named("B"), 8, 10, 64]);
        Assert.Equal("Float[B, 8, ?, 10]", Infer("Einsum", 12, [q, k], 1, ("equation", "bhqd,bhkd->bhqk"))[0].ToString());
        var error = Assert.Throws<KernelException>(() =>
            Run("Einsum", 12, [Random(3, 2, 3), Random(4, 4, 2)], 1, ("equation", "ij,jk->ik")));
        Assert.Contains("size", error.Message);
    }

    [Fact]
    public void Gelu_exact_and_tanh_forms()
    {
        var x = Tensor.Create([3], new[] { 0f, 1f, -3f });
        var exact = Run("Gelu", 20, [x], 1)[0].ToArray<float>();
        Assert.Equal(new[] { 0f, 0.8413447f, -0.004049695f }, exact, (a, b) => Math.Abs(a - b) <= 1e-7f * Math.Max(1f, Math.Abs(b)) * 4);
        var tanh = Run("Gelu", 20, [x], 1, ("approximate", "tanh"))[0].ToArray<float>();
        Assert.Equal(0.841192f, tanh[1], 5);
        Assert.NotEqual(exact[1], tanh[1]);
        Assert.Throws<KernelException>(() => Run("Gelu", 20, [x], 1, ("approximate", "fast")));
    }
}
