using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.Elementwise.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.Elementwise;

public class BroadcastingKernelTests
{
    /// <summary>A naive reference: every output index mapped back to each operand by NumPy's rule.</summary>
    private static float[] Reference(float[] a, int[] sa, float[] b, int[] sb, Func<float, float, float> f)
    {
        var shape = ShapeMath.Broadcast(sa, sb)!;
        var result = new float[ShapeMath.ElementCount(shape)];
        var index = new int[shape.Length];
        for (var o = 0; o < result.Length; o++)
        {
            var rest = o;
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            result[o] = f(a[Flat(index, sa)], b[Flat(index, sb)]);
        }
        return result;
    }

    private static int Flat(int[] index, int[] shape)
    {
        var offset = 0;
        var shift = index.Length - shape.Length;
        for (var d = 0; d < shape.Length; d++) offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[d + shift]);
        return offset;
    }

    public static TheoryData<int[], int[]> Shapes => new()
    {
        { [2, 3, 4], [2, 3, 4] },
        { [2, 3, 4], [] },
        { [], [2, 3, 4] },
        { [2, 3, 4], [4] },
        { [2, 3, 4], [3, 1] },
        { [1, 3, 1], [2, 1, 4] },
        { [5, 1, 4, 1], [3, 1, 2] },
        { [2, 3, 4, 5], [1, 3, 1, 1] },
        { [1], [6] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sub_broadcasts_like_numpy(int[] sa, int[] sb)
    {
        var random = new Random(sa.Length * 31 + sb.Length);
        var a = Enumerable.Range(0, ShapeMath.ElementCount(sa)).Select(_ => (float)random.Next(-50, 50)).ToArray();
        var b = Enumerable.Range(0, ShapeMath.ElementCount(sb)).Select(_ => (float)random.Next(-50, 50)).ToArray();
        var y = Run("Sub", 14, [T(sa, a), T(sb, b)]);
        Assert.Equal(ShapeMath.Broadcast(sa, sb), y.Shape);
        Assert.Equal(Reference(a, sa, b, sb, (x, z) => x - z), y.ToArray<float>());
    }

    [Fact]
    public void Large_broadcasts_give_the_same_bits_on_one_and_four_threads()
    {
        var random = new Random(3);
        var a = Enumerable.Range(0, 8 * 64 * 32 * 32).Select(_ => (float)random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray();
        var one = Run("Div", 14, 1, [T([8, 64, 32, 32], a), T([64, 1, 1], b)]).ToArray<float>();
        var four = Run("Div", 14, 4, [T([8, 64, 32, 32], a), T([64, 1, 1], b)]).ToArray<float>();
        Assert.Equal(Reference(a, [8, 64, 32, 32], b, [64, 1, 1], (x, z) => x / z), one);
        Assert.Equal(one, four);
    }

    [Fact]
    public void Version_6_broadcasts_b_at_the_axis_attribute()
    {
        var a = T([2, 3, 2], Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        var b = T([3], 100f, 200f, 300f);
        var y = Run("Add", 6, [a, b], Int("broadcast", 1), Int("axis", 1)).ToArray<float>();
        Assert.Equal(new[] { 100f, 101f, 202f, 203f, 304f, 305f, 106f, 107f, 208f, 209f, 310f, 311f }, y);
        Assert.ThrowsAny<Exception>(() => Run("Add", 6, [a, b]));
    }

    [Fact]
    public void Empty_broadcast_gives_an_empty_output()
    {
        var y = Run("Mul", 14, [T([0, 3], Array.Empty<float>()), T([3], 1f, 2f, 3f)]);
        Assert.Equal(new[] { 0, 3 }, y.Shape);
    }

    [Fact]
    public void Comparisons_give_bool_and_nan_compares_false()
    {
        var a = T([3], 1f, float.NaN, 3f);
        var b = S(2f);
        Assert.Equal(new[] { true, false, false }, Run("Less", 13, [a, b]).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, Run("GreaterOrEqual", 16, [a, b]).ToArray<bool>());
        Assert.Equal(new[] { false, false, false }, Run("Equal", 13, [a, b]).ToArray<bool>());
        Assert.Equal(new[] { true, false }, Run("Equal", 11, [T([2], true, false), S(true)]).ToArray<bool>());
    }

    [Fact]
    public void Logical_operators_broadcast_bools()
    {
        var a = T([2, 2], true, false, true, true);
        var b = T([2], true, false);
        Assert.Equal(new[] { true, false, true, false }, Run("And", 7, [a, b]).ToArray<bool>());
        Assert.Equal(new[] { true, false, true, true }, Run("Or", 7, [a, b]).ToArray<bool>());
        Assert.Equal(new[] { false, false, false, true }, Run("Xor", 7, [a, b]).ToArray<bool>());
        Assert.Equal(new[] { false, true, false, false }, Run("Not", 1, [a]).ToArray<bool>());
    }

    [Fact]
    public void Where_broadcasts_three_ways()
    {
        var c = T([2, 1], true, false);
        var x = T([3], 1L, 2L, 3L);
        var y = S(-1L);
        var r = Run("Where", 16, [c, x, y]);
        Assert.Equal(new[] { 2, 3 }, r.Shape);
        Assert.Equal(new[] { 1L, 2L, 3L, -1L, -1L, -1L }, r.ToArray<long>());
        Assert.Equal(new[] { "a", "b" }, Run("Where", 9, [T([2], true, false), T([2], "a", "x"), T([2], "y", "b")]).ToArray<string>());
    }

    [Fact]
    public void Max_propagates_nan_and_mean_folds_several_broadcast_inputs()
    {
        var max = Run("Max", 13, [T([3], 1f, float.NaN, 3f), T([3], 2f, 0f, float.NaN)]).ToArray<float>();
        Assert.Equal(2f, max[0]);
        Assert.True(float.IsNaN(max[1]) && float.IsNaN(max[2]));
        var mean = Run("Mean", 13, [T([2, 1], 3f, 6f), T([3], 0f, 3f, 6f), S(3f)]);
        Assert.Equal(new[] { 2, 3 }, mean.Shape);
        Assert.Equal(new[] { 2f, 3f, 4f, 3f, 4f, 5f }, mean.ToArray<float>());
        Assert.Equal(new[] { 1, 9 }, Run("Min", 12, [T([2], 1, 9), T([2], 5, 10), S(20)]).ToArray<int>());
    }

    [Fact]
    public void Float16_sum_of_several_inputs_rounds_once_at_the_end()
    {
        // 2048 + 1 + 1 in float16: rounding after each step would lose both ones (2049 is not representable).
        var y = Run("Sum", 13, [S((Half)2048f), S((Half)1f), S((Half)1f)]).ToArray<Half>();
        Assert.Equal((Half)2050f, y[0]);
    }

    [Fact]
    public void A_single_input_variadic_returns_the_input()
    {
        var x = T([2], 1f, 2f);
        Assert.Same(x, Run("Sum", 13, [x]));
    }

    [Fact]
    public void PRelu_broadcasts_the_slope_to_x_and_version_6_reads_a_vector_as_per_channel()
    {
        var x = T([1, 2, 2], -1f, 1f, -2f, 2f);
        Assert.Equal(new[] { -0.5f, 1f, -1f, 2f }, Run("PRelu", 16, [x, T([2], 0.5f, 0.25f)]).ToArray<float>());
        Assert.Equal(new[] { -0.5f, 1f, -1f, 2f }, Run("PRelu", 6, [x, T([2], 0.5f, 0.25f)]).ToArray<float>());
        var perChannel = T([2, 3], -1f, -1f, -1f, -1f, -1f, -1f);
        Assert.Equal(new[] { -0.1f, -0.2f, -0.3f, -0.1f, -0.2f, -0.3f }, Run("PRelu", 6, [perChannel, T([3], 0.1f, 0.2f, 0.3f)]).ToArray<float>());
        Assert.ThrowsAny<Exception>(() => Run("PRelu", 7, [T([2, 2], 1f, 2f, 3f, 4f), T([2, 2, 2], new float[8])]));
    }

    [Fact]
    public void Infer_broadcasts_symbolic_dims_and_comparisons_infer_bool()
    {
        var a = new ValueInfo(DataType.Float, [Dim.Named("N"), 1, 4]);
        var b = new ValueInfo(DataType.Float, [3, Dim.Unknown]);
        var info = Infer("Less", 13, [a, b]);
        Assert.Equal(DataType.Bool, info.ElementType);
        Assert.Equal("N", info.Shape![0].Symbol);
        Assert.Equal(3, info.Shape[1].Value);
        Assert.Equal(4, info.Shape[2].Value);
        var where = Infer("Where", 16, [new ValueInfo(DataType.Bool, [2, 1]), new ValueInfo(DataType.Int64, [5]), new ValueInfo(DataType.Int64, [])]);
        Assert.Equal(DataType.Int64, where.ElementType);
        Assert.Equal(new long[] { 2, 5 }, where.Shape!.Select(d => d.Value));
        Assert.Null(Infer("Add", 14, [a, null]).Shape);
    }
}
