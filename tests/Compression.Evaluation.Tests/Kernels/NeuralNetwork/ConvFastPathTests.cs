using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using static Compression.Evaluation.Tests.Kernels.NeuralNetwork.NodeRunner;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

/// <summary>
/// The fast Conv paths must give exactly the bits of the definition they replace: depthwise on a zero-padded plane
/// against the direct loop's chain (fma over the valid taps in window order from +0, padded taps skipped), and the GEMV
/// for 1×1 convolutions on one position against the GEMM's chain (fma over input channels ascending from +0).
/// </summary>
public class ConvFastPathTests
{
    /// <summary>The scalar chain: per output, fma over (channel, window row, column) ascending from +0, skipping padding, then + bias.</summary>
    private static float[] Chain(Tensor x, Tensor w, Tensor? b, int group, int[] strides, int[] pads, int[] outShape)
    {
        var xs = x.ToArray<float>();
        var ws = w.ToArray<float>();
        var bs = b?.ToArray<float>();
        int c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int m = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int oh = outShape[2], ow = outShape[3];
        var y = new float[m * oh * ow];
        for (var mi = 0; mi < m; mi++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                {
                    var acc = 0f;
                    for (var ci = 0; ci < cg; ci++)
                        for (var a = 0; a < kh; a++)
                            for (var e = 0; e < kw; e++)
                            {
                                var ih = i * strides[0] - pads[0] + a;
                                var iw = j * strides[1] - pads[1] + e;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                var channel = mi / (m / group) * cg + ci;
                                acc = MathF.FusedMultiplyAdd(ws[((mi * cg + ci) * kh + a) * kw + e], xs[(channel * h + ih) * wd + iw], acc);
                            }
                    if (bs is not null) acc += bs[mi];
                    y[(mi * oh + i) * ow + j] = acc;
                }
        return y;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>One Conv with its weight and bias as initializers, run by the executor (so the kernel's plan-time state is used).</summary>
    private static float[] RunPlanned(Tensor x, Tensor w, Tensor b, int group, int[] strides, int[] pads, int threads)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Node.Add(Node("Conv", 3, 1, ("group", group), ("strides", strides), ("pads", pads)));
        graph.Node[0].Input[0] = "x"; graph.Node[0].Input[1] = "w"; graph.Node[0].Input[2] = "b"; graph.Node[0].Output[0] = "y";
        graph.Initializer.Add(TensorConversion.ToProto(w, "w"));
        graph.Initializer.Add(TensorConversion.ToProto(b, "b"));
        graph.Input.Add(Value("x", x.Shape));
        graph.Output.Add(Value("y", null));
        var proto = new ModelProto { IrVersion = 8, Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var executor = new ModelExecutor(OnnxModel.FromProto(proto), new ExecutorOptions { Threads = threads });
        return executor.Run(new Dictionary<string, Tensor> { ["x"] = x })["y"].ToArray<float>();
    }

    private static ValueInfoProto Value(string name, int[]? shape)
    {
        var type = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (shape is not null)
        {
            type.Shape = new TensorShapeProto();
            foreach (var d in shape) type.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }

    [Theory]
    [InlineData(3, 1, 1, 1, 1, 1, 1, 64)]   // BlazeFace: 3×3, stride 1, pad 1
    [InlineData(3, 2, 2, 0, 0, 1, 1, 64)]   // BlazeFace: 3×3, stride 2, pads only at the end
    [InlineData(5, 2, 1, 2, 2, 2, 2, 37)]   // classifier: 5×5, stride (2, 1), odd width
    [InlineData(3, 1, 2, 1, 1, 1, 1, 13)]   // width shorter than two vectors
    [InlineData(5, 1, 1, 0, 2, 2, 0, 29)]   // asymmetric pads
    [InlineData(2, 1, 1, 0, 0, 0, 0, 9)]    // even kernel, no pad
    public void Depthwise_gives_the_bits_of_the_direct_chain(int k, int sh, int sw, int top, int left, int bottom, int right, int width)
    {
        var x = Random(11, 1, 24, 19, width);
        var w = Random(12, 24, 1, k, k);
        var b = Random(13, 24);
        int[] strides = [sh, sw], pads = [top, left, bottom, right];
        var node = Node("Conv", 3, 1, ("group", 24), ("strides", strides), ("pads", pads));
        var plain = Run1(node, 11, x, w, b);
        var expected = Bits(Chain(x, w, b, 24, strides, [top, left], plain.Shape));
        Assert.Equal(expected, Bits(plain.ToArray<float>()));
        Assert.Equal(expected, Bits(RunPlanned(x, w, b, 24, strides, pads, threads: 1)));
        Assert.Equal(expected, Bits(RunPlanned(x, w, b, 24, strides, pads, threads: 2)));
    }

    [Fact]
    public void Depthwise_with_an_infinite_weight_keeps_padded_taps_out_of_the_sum()
    {
        // A padded tap times an infinite weight would be NaN; the direct chain skips it, so the border stays finite.
        var x = Random(21, 1, 4, 8, 16);
        var w = Random(22, 4, 1, 3, 3);
        var ws = (float[])w.Data;
        ws[0] = float.PositiveInfinity; // top-left tap of the first channel: in the padding for the first row and column
        var b = Random(23, 4);
        int[] strides = [1, 1], pads = [1, 1, 1, 1];
        var y = RunPlanned(x, w, b, 4, strides, pads, threads: 1);
        Assert.True(float.IsFinite(y[0]), $"corner output {y[0]}");
        Assert.Equal(Bits(Chain(x, w, b, 4, strides, [1, 1], [1, 4, 8, 16])), Bits(y));
    }

    [Theory]
    [InlineData(120, 480)]  // squeeze-and-excitation sizes: filters not a multiple of 32
    [InlineData(7, 3)]      // fewer filters than one vector
    [InlineData(64, 16)]
    public void One_by_one_conv_on_a_single_position_gives_the_bits_of_the_gemm_chain(int filters, int channels)
    {
        var x = Random(31, 1, channels, 1, 1);
        var w = Random(32, filters, channels, 1, 1);
        var b = Random(33, filters);
        int[] strides = [1, 1], pads = [0, 0, 0, 0];
        var expected = Bits(Chain(x, w, b, 1, strides, [0, 0], [1, filters, 1, 1]));
        Assert.Equal(expected, Bits(RunPlanned(x, w, b, 1, strides, pads, threads: 1)));
        // The unprepared kernel (no transposed weights) runs the GEMM: the same chain.
        Assert.Equal(expected, Bits(Run1(Node("Conv", 3), 11, x, w, b).ToArray<float>()));
    }

    [Theory]
    [InlineData(5, 2, 1, 1, 2, 2, 70)]  // BlazeFace's first layer: 5×5, stride 2, TF "SAME" pads
    [InlineData(3, 2, 0, 0, 1, 1, 33)]  // stride 2, pads only at the end, odd width
    [InlineData(3, 1, 1, 1, 1, 1, 40)]  // stride 1
    [InlineData(4, 2, 1, 1, 1, 2, 21)]  // even kernel, one tile and an edge
    public void Direct_convolution_gives_the_bits_of_the_chain(int k, int stride, int top, int left, int bottom, int right, int width)
    {
        var x = Random(61, 1, 3, 23, width);
        var w = Random(62, 24, 3, k, k);
        var b = Random(63, 24);
        int[] strides = [stride, stride], pads = [top, left, bottom, right];
        int[] shape = [1, 24, (23 + top + bottom - k) / stride + 1, (width + left + right - k) / stride + 1];
        var expected = Bits(Chain(x, w, b, 1, strides, [top, left], shape));
        foreach (var threads in new[] { 1, 2 }) Assert.Equal(expected, Bits(RunPlanned(x, w, b, 1, strides, pads, threads)));
    }

    [Theory]
    [InlineData(3, 1, 21)]  // 13 filters: two whole panels of six and one of a single filter, with an edge tile
    [InlineData(5, 2, 19)]  // stride 2 over deinterleaved rows, the same partial panel
    public void Direct_convolution_with_a_partial_filter_panel_gives_the_bits_of_the_chain(int k, int stride, int width)
    {
        var x = Random(64, 1, 5, 17, width);
        var w = Random(65, 13, 5, k, k);
        var b = Random(66, 13);
        var pad = k / 2;
        int[] strides = [stride, stride], pads = [pad, pad, pad, pad];
        int[] shape = [1, 13, (17 + 2 * pad - k) / stride + 1, (width + 2 * pad - k) / stride + 1];
        var expected = Bits(Chain(x, w, b, 1, strides, [pad, pad], shape));
        foreach (var threads in new[] { 1, 2 }) Assert.Equal(expected, Bits(RunPlanned(x, w, b, 1, strides, pads, threads)));
    }

    [Theory]
    [InlineData(1, 120)]  // several bands
    [InlineData(2, 37)]   // stride 2, odd height
    public void Depthwise_then_pointwise_runs_as_one_step_with_the_bits_of_the_two_nodes(int stride, int height)
    {
        // x → depthwise 3×3 (+bias) → 1×1 Conv (+bias) → Add(residual) → Relu, as in BlazeFace.
        var x = Random(41, 1, 8, height, 40);
        var dw = Random(42, 8, 1, 3, 3);
        var dwb = Random(43, 8);
        var pw = Random(44, 8, 8, 1, 1);
        var pwb = Random(45, 8);
        var graph = new GraphProto { Name = "g" };
        var depthwise = Node("Conv", 3, 1, ("group", 8), ("strides", new[] { stride, stride }), ("pads", new[] { 1, 1, 1, 1 }));
        depthwise.Input[0] = "x"; depthwise.Input[1] = "dw"; depthwise.Input[2] = "dwb"; depthwise.Output[0] = "mid";
        var pointwise = Node("Conv", 3);
        pointwise.Input[0] = "mid"; pointwise.Input[1] = "pw"; pointwise.Input[2] = "pwb"; pointwise.Output[0] = "conv";
        graph.Node.Add(depthwise);
        graph.Node.Add(pointwise);
        var relu = Node("Relu", 1);
        relu.Input[0] = "conv"; relu.Output[0] = "y";
        graph.Node.Add(relu);
        foreach (var (name, t) in new[] { ("dw", dw), ("dwb", dwb), ("pw", pw), ("pwb", pwb) }) graph.Initializer.Add(TensorConversion.ToProto(t, name));
        graph.Input.Add(Value("x", x.Shape));
        graph.Output.Add(Value("y", null));
        var proto = new ModelProto { IrVersion = 8, Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        foreach (var threads in new[] { 1, 2 })
        {
            var executor = new ModelExecutor(OnnxModel.FromProto(proto), new ExecutorOptions { Threads = threads });
            Assert.Equal(1, executor.DepthwisePairs);
            var feeds = new Dictionary<string, Tensor> { ["x"] = x };
            var fused = executor.Run(feeds)["y"].ToArray<float>();
            var observed = executor.Run(feeds, new NullObserver())["y"].ToArray<float>(); // observed runs execute node by node
            Assert.Equal(Bits(observed), Bits(fused));
            var mid = Chain(x, dw, dwb, 8, [stride, stride], [1, 1], [1, 8, (height - 1) / stride + 1, (40 - 1) / stride + 1]);
            var expected = Chain(Tensor.Create([1, 8, (height - 1) / stride + 1, (40 - 1) / stride + 1], mid), pw, pwb, 1, [1, 1], [0, 0],
                [1, 8, (height - 1) / stride + 1, (40 - 1) / stride + 1]).Select(v => v < 0 ? 0 : v).ToArray();
            Assert.Equal(Bits(expected), Bits(fused));
        }
    }

    [Fact]
    public void Depthwise_with_its_own_hard_swish_pairs_with_the_pointwise_conv_and_keeps_the_bits()
    {
        // x → depthwise 3×3 (+bias) → HardSigmoid → Mul (x·HardSigmoid(x)) → 1×1 Conv, as in MobileNetV3 blocks: the
        // depthwise's fused hard-swish is applied to its band rows before the product.
        var x = Random(51, 1, 16, 45, 33);
        var dw = Random(52, 16, 1, 3, 3);
        var dwb = Random(53, 16);
        var pw = Random(54, 24, 16, 1, 1);
        var graph = new GraphProto { Name = "g" };
        var depthwise = Node("Conv", 3, 1, ("group", 16), ("pads", new[] { 1, 1, 1, 1 }));
        depthwise.Input[0] = "x"; depthwise.Input[1] = "dw"; depthwise.Input[2] = "dwb"; depthwise.Output[0] = "mid";
        var gate = Node("HardSigmoid", 1, 1, ("alpha", 1f / 6), ("beta", 0.5f));
        gate.Input[0] = "mid"; gate.Output[0] = "gate";
        var swish = Node("Mul", 2);
        swish.Input[0] = "mid"; swish.Input[1] = "gate"; swish.Output[0] = "act";
        var pointwise = Node("Conv", 2);
        pointwise.Input[0] = "act"; pointwise.Input[1] = "pw"; pointwise.Output[0] = "y";
        graph.Node.Add(depthwise);
        graph.Node.Add(gate);
        graph.Node.Add(swish);
        graph.Node.Add(pointwise);
        foreach (var (name, t) in new[] { ("dw", dw), ("dwb", dwb), ("pw", pw) }) graph.Initializer.Add(TensorConversion.ToProto(t, name));
        graph.Input.Add(Value("x", x.Shape));
        graph.Output.Add(Value("y", null));
        var proto = new ModelProto { IrVersion = 8, Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var feeds = new Dictionary<string, Tensor> { ["x"] = x };
        foreach (var threads in new[] { 1, 2 })
        {
            var executor = new ModelExecutor(OnnxModel.FromProto(proto), new ExecutorOptions { Threads = threads });
            Assert.Equal(1, executor.DepthwisePairs);
            Assert.Equal(2, executor.FusedNodes);
            var paired = executor.Run(feeds)["y"].ToArray<float>();
            var observed = executor.Run(feeds, new NullObserver())["y"].ToArray<float>(); // node by node
            var unpaired = new ModelExecutor(OnnxModel.FromProto(proto), new ExecutorOptions { Threads = threads, PairDepthwise = false })
                .Run(feeds)["y"].ToArray<float>();
            Assert.Equal(Bits(observed), Bits(paired));
            Assert.Equal(Bits(unpaired), Bits(paired));
        }
    }

    private sealed class NullObserver : IExecutionObserver
    {
        public void Observe(string name, Tensor value, NodeProto? producer) { }
    }
}
