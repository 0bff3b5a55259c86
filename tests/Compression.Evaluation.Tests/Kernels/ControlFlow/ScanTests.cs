using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using static Compression.Evaluation.Tests.Kernels.ControlFlow.ControlFlowTestModels;

namespace Compression.Evaluation.Tests.Kernels.ControlFlow;

public class ScanTests
{
    /// <summary>A running sum over slices of x [3, 2] (or its transpose): state s [2], scan output the partial sums.</summary>
    private static OnnxModel SumModel(long opset, long[]? inputAxes = null, long[]? inputDirections = null,
        long[]? outputAxes = null, long[]? outputDirections = null, long[]? xShape = null)
    {
        var body = new GraphProto
        {
            Name = "body",
            Input = { Float("s_in", 2), Float("x_t", 2) },
            Node = { Node("Add", ["s_in", "x_t"], ["s_out"]), Node("Identity", ["s_out"], ["partial"]) },
            Output = { Float("s_out", 2), Float("partial", 2) },
        };
        var attributes = new List<AttributeProto> { GraphAttribute("body", body), Int("num_scan_inputs", 1) };
        if (inputAxes is not null) attributes.Add(Ints("scan_input_axes", inputAxes));
        if (inputDirections is not null) attributes.Add(Ints("scan_input_directions", inputDirections));
        if (outputAxes is not null) attributes.Add(Ints("scan_output_axes", outputAxes));
        if (outputDirections is not null) attributes.Add(Ints("scan_output_directions", outputDirections));
        return Model(new GraphProto
        {
            Name = "scan",
            Input = { Float("s0", 2), Float("x", xShape ?? [3, 2]) },
            Output = { Float("s", 2), Unshaped("sums", Onnx.Protobuf.TensorProto.Types.DataType.Float) },
            Node = { Node("Scan", ["s0", "x"], ["s", "sums"], [.. attributes]) },
        }, opset);
    }

    private static Dictionary<string, Tensor> Inputs(int[]? shape = null, float[]? x = null) => new()
    {
        ["s0"] = Floats([2], 0, 0),
        ["x"] = Floats(shape ?? [3, 2], x ?? [1, 2, 3, 4, 5, 6]),
    };

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(16)]
    public void Attribute_defaults_scan_axis_0_forwards_and_stack_on_axis_0(long opset)
    {
        var outputs = Run(SumModel(opset), Inputs());
        Assert.Equal([9f, 12f], outputs["s"].ToArray<float>());
        Assert.Equal([3, 2], outputs["sums"].Shape);
        Assert.Equal([1f, 2f, 4f, 6f, 9f, 12f], outputs["sums"].ToArray<float>());
    }

    [Fact]
    public void A_reverse_input_direction_walks_the_sequence_backwards()
    {
        var outputs = Run(SumModel(9, inputDirections: [1]), Inputs());
        Assert.Equal([5f, 6f, 8f, 10f, 9f, 12f], outputs["sums"].ToArray<float>());
    }

    [Fact]
    public void A_reverse_output_direction_stacks_the_items_backwards()
    {
        var outputs = Run(SumModel(9, outputDirections: [1]), Inputs());
        Assert.Equal([9f, 12f, 4f, 6f, 1f, 2f], outputs["sums"].ToArray<float>());
    }

    [Fact]
    public void Input_and_output_axes_1_scan_columns_and_stack_as_columns()
    {
        // x [2, 3] scanned along axis 1: slices are its columns [1,4], [2,5], [3,6].
        var outputs = Run(SumModel(9, inputAxes: [1], outputAxes: [1], xShape: [2, 3]), Inputs([2, 3]));
        Assert.Equal([6f, 15f], outputs["s"].ToArray<float>());
        Assert.Equal([2, 3], outputs["sums"].Shape);
        Assert.Equal([1f, 3f, 6f, 4f, 9f, 15f], outputs["sums"].ToArray<float>());
    }

    [Fact]
    public void Negative_axes_count_from_the_end_at_version_11_and_fail_at_version_9()
    {
        var outputs = Run(SumModel(11, inputAxes: [-1], outputAxes: [-1], xShape: [2, 3]), Inputs([2, 3]));
        Assert.Equal([1f, 3f, 6f, 4f, 9f, 15f], outputs["sums"].ToArray<float>());

        var error = Assert.Throws<KernelException>(() => Run(SumModel(9, inputAxes: [-1], xShape: [2, 3]), Inputs([2, 3])));
        Assert.Contains("version 11", error.Message);
    }

    [Fact]
    public void An_empty_sequence_returns_the_initial_state_and_an_empty_stack()
    {
        var outputs = Run(SumModel(11, xShape: [0, 2]), Inputs([0, 2], []));
        Assert.Equal([0f, 0f], outputs["s"].ToArray<float>());
        Assert.Equal([0, 2], outputs["sums"].Shape);
    }

    [Fact]
    public void Infer_inserts_the_known_sequence_length_at_the_output_axis()
    {
        var info = Infer(SumModel(11, outputAxes: [1]));
        Assert.Equal("2", Dims(info["s"]));
        Assert.Equal("2,3", Dims(info["sums"]));
    }

    [Fact]
    public void Version_8_runs_each_batch_item_for_its_own_length_and_pads_with_zeros()
    {
        var body = new GraphProto
        {
            Name = "body",
            Input = { Float("s_in", 2), Float("x_t", 2) },
            Node = { Node("Add", ["s_in", "x_t"], ["s_out"]), Node("Identity", ["s_out"], ["partial"]) },
            Output = { Float("s_out", 2), Float("partial", 2) },
        };
        var model = Model(new GraphProto
        {
            Name = "scan8",
            Input = { Value("lens", Onnx.Protobuf.TensorProto.Types.DataType.Int64, 2), Float("s0", 2, 2), Float("x", 2, 3, 2) },
            Output = { Float("s", 2, 2), Float("sums", 2, 3, 2) },
            Node = { Node("Scan", ["lens", "s0", "x"], ["s", "sums"], GraphAttribute("body", body), Int("num_scan_inputs", 1), Ints("directions", 0)) },
        }, 8);
        var outputs = Run(model, new Dictionary<string, Tensor>
        {
            ["lens"] = Tensor.Create([2], new long[] { 3, 2 }),
            ["s0"] = Floats([2, 2], 0, 0, 100, 100),
            ["x"] = Floats([2, 3, 2], 1, 2, 3, 4, 5, 6, 1, 1, 2, 2, 3, 3),
        });
        Assert.Equal([9f, 12f, 103f, 103f], outputs["s"].ToArray<float>());
        Assert.Equal([2, 3, 2], outputs["sums"].Shape);
        Assert.Equal([1f, 2f, 4f, 6f, 9f, 12f, 101f, 101f, 103f, 103f, 0f, 0f], outputs["sums"].ToArray<float>());

        var info = Infer(model);
        Assert.Equal("2,3,2", Dims(info["sums"]));
    }
}
