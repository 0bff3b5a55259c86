using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using static Compression.Evaluation.Tests.Kernels.NeuralNetwork.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

public class ConvTests
{
    /// <summary>
    /// The definition, in double: every output a sum over channels and taps, padded taps skipped; also Σ|terms|, the
    /// scale a float dot product's rounding error is relative to (per-element relative error is meaningless under
    /// cancellation).
    /// </summary>
    private static (float[] Values, double[] Scale) Naive(Tensor x, Tensor w, Tensor? b, int group, int[] strides, int[] pads, int[] dilations, int[] outShape)
    {
        var xs = x.ToArray<float>();
        var ws = w.ToArray<float>();
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int m = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int oh = outShape[2], ow = outShape[3];
        var mg = m / group;
        var y = new float[n * m * oh * ow];
        var scale = new double[y.Length];
        for (var ni = 0; ni < n; ni++)
            for (var mi = 0; mi < m; mi++)
                for (var i = 0; i < oh; i++)
                    for (var j = 0; j < ow; j++)
                    {
                        double s = b?.ToArray<float>()[mi] ?? 0;
                        var abs = Math.Abs(s);
                        for (var ci = 0; ci < cg; ci++)
                            for (var a = 0; a < kh; a++)
                                for (var e = 0; e < kw; e++)
                                {
                                    var ih = i * strides[0] - pads[0] + a * dilations[0];
                                    var iw = j * strides[1] - pads[1] + e * dilations[1];
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    var channel = mi / mg * cg + ci;
                                    var term = (double)xs[((ni * c + channel) * h + ih) * wd + iw] * ws[((mi * cg + ci) * kh + a) * kw + e];
                                    s += term;
                                    abs += Math.Abs(term);
                                }
                        y[((ni * m + mi) * oh + i) * ow + j] = (float)s;
                        scale[((ni * m + mi) * oh + i) * ow + j] = abs;
                    }
        return (y, scale);
    }

    [Theory]
    [InlineData(1, 3, 1, 1, 1)]   // ordinary 3×3
    [InlineData(4, 3, 2, 1, 1)]   // grouped, strided
    [InlineData(32, 3, 1, 1, 2)]  // depthwise, dilated
    [InlineData(1, 1, 1, 0, 1)]   // pointwise: a plain GEMM
    [InlineData(2, 5, 2, 2, 1)]   // grouped 5×5
    public void Big_random_conv_matches_the_naive_definition_within_1e5_relative(int group, int k, int stride, int pad, int dilation)
    {
        var x = Random(1, 2, 32, 29, 31);
        var w = Random(2, group == 32 ? 64 : 40, 32 / group, k, k);
        var b = Random(3, w.Shape[0]);
        var node = Node("Conv", 3, 1, ("group", group), ("strides", new[] { stride, stride }), ("pads", new[] { pad, pad, pad, pad }),
            ("dilations", new[] { dilation, dilation }));
        var y = Run1(node, 11, x, w, b);
        var (expected, scale) = Naive(x, w, b, group, [stride, stride], [pad, pad], [dilation, dilation], y.Shape);
        var actual = y.ToArray<float>();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * scale[i] + 1e-30,
                $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(48, 3)]
    [InlineData(1, 1)]
    public void Conv_gives_bit_identical_outputs_on_one_and_two_threads(int group, int k)
    {
        var x = Random(7, 1, 48, 57, 61);
        var w = Random(8, 96, 48 / group, k, k);
        var b = Random(9, 96);
        var node = Node("Conv", 3, 1, ("group", group), ("pads", new[] { k / 2, k / 2, k / 2, k / 2 }));
        var one = Run(node, 11, [x, w, b], threads: 1)[0]!.ToArray<float>();
        var two = Run(node, 11, [x, w, b], threads: 2)[0]!.ToArray<float>();
        Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), two.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Auto_pad_same_upper_puts_the_extra_pad_at_the_end()
    {
        // 1×1×4 input, kernel 2 of ones, SAME_UPPER: output 4, the last window overlaps the end pad.
        var x = F([1, 1, 4], 1, 2, 3, 4);
        var w = F([1, 1, 2], 1, 1);
        var upper = Run1(Node("Conv", 2, 1, ("auto_pad", "SAME_UPPER")), 11, x, w);
        var lower = Run1(Node("Conv", 2, 1, ("auto_pad", "SAME_LOWER")), 11, x, w);
        Assert.Equal(new[] { 3f, 5, 7, 4 }, upper.ToArray<float>());
        Assert.Equal(new[] { 1f, 3, 5, 7 }, lower.ToArray<float>());
    }

    [Fact]
    public void Valid_padding_and_strides_shrink_the_output()
    {
        var x = Random(1, 1, 2, 9, 9);
        var w = Random(2, 3, 2, 3, 3);
        var y = Run1(Node("Conv", 2, 1, ("auto_pad", "VALID"), ("strides", new[] { 2, 3 })), 11, x, w);
        Assert.Equal(new[] { 1, 3, 4, 3 }, y.Shape);
    }

    [Fact]
    public void Conv3d_sums_over_every_tap()
    {
        var x = F([1, 1, 2, 2, 2], 1, 2, 3, 4, 5, 6, 7, 8);
        var w = F([1, 1, 2, 2, 2], 1, 1, 1, 1, 1, 1, 1, 1);
        var y = Run1(Node("Conv", 2), 11, x, w);
        Assert.Equal(new[] { 1, 1, 1, 1, 1 }, y.Shape);
        Assert.Equal(36f, y.ToArray<float>()[0]);
    }

    [Fact]
    public void Infer_keeps_symbolic_batch_and_computes_spatial_dims()
    {
        var x = new ValueInfo(DataType.Float, [Dim.Named("N"), 3, 224, Dim.Unknown]);
        var w = ValueInfo.Known(DataType.Float, 16, 3, 3, 3);
        var info = Infer(Node("Conv", 2, 1, ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 1, 1, 1 })), 11, x, w)[0];
        Assert.Equal("N", info.Shape![0].Symbol);
        Assert.Equal(16, info.Shape[1].Value);
        Assert.Equal(112, info.Shape[2].Value);
        Assert.False(info.Shape[3].IsKnown);
    }

    [Fact]
    public void Group_that_does_not_divide_the_channels_fails()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Run1(Node("Conv", 2, 1, ("group", 2)), 11, Random(1, 1, 3, 4, 4), Random(2, 2, 1, 1, 1)));
        Assert.Contains("group", ex.Message);
    }
}
