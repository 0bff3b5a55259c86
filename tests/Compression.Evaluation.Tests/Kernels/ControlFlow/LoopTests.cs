using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using static Compression.Evaluation.Tests.Kernels.ControlFlow.ControlFlowTestModels;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.ControlFlow;

public class LoopTests
{
    /// <summary>
    /// Loop(M, cond, v): body v_out = v_in + step (step an outer value), scan item = v_out; the body's cond is
    /// cond_in, or the outer value keep when <paramref name="bodyCondition"/> names it.
    /// </summary>
    private static OnnxModel CounterModel(long opset = 13, bool withTripCount = true, bool withCondition = true, string bodyCondition = "cond_in")
    {
        var body = new GraphProto
        {
            Name = "body",
            Input = { Value("i", DataType.Int64), Value("cond_in", DataType.Bool), Float("v_in", 2) },
            Node = { Node("Add", ["v_in", "step"], ["v_out"]), Node("Identity", [bodyCondition], ["cond_out"]) },
            Output = { Value("cond_out", DataType.Bool), Float("v_out", 2), Float("item", 2) },
        };
        body.Node.Add(Node("Identity", ["v_out"], ["item"]));
        return Model(new GraphProto
        {
            Name = "loop",
            Input = { Value("M", DataType.Int64), Value("c", DataType.Bool), Float("v0", 2), Float("step", 2), Value("keep", DataType.Bool) },
            Output = { Float("v", 2), Float("items", -1, 2) },
            Node = { Node("Loop", [withTripCount ? "M" : "", withCondition ? "c" : "", "v0"], ["v", "items"], GraphAttribute("body", body)) },
        }, opset);
    }

    private static Dictionary<string, Tensor> Inputs(long m, bool c = true, bool keep = true) => new()
    {
        ["M"] = Tensor.Scalar(m),
        ["c"] = Tensor.Scalar(c),
        ["v0"] = Floats([2], 1, 2),
        ["step"] = Floats([2], 10, 100),
        ["keep"] = Tensor.Scalar(keep),
    };

    [Theory]
    [InlineData(9)] // resolves to Loop 1 (Add needs opset 7 or later)
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(16)]
    public void Runs_M_iterations_and_stacks_scan_items_on_a_new_axis_0(long opset)
    {
        var outputs = Run(CounterModel(opset), Inputs(3));
        Assert.Equal([31f, 302f], outputs["v"].ToArray<float>());
        Assert.Equal([3, 2], outputs["items"].Shape);
        Assert.Equal([11f, 102f, 21f, 202f, 31f, 302f], outputs["items"].ToArray<float>());
    }

    [Fact]
    public void Zero_iterations_return_the_initial_values_and_empty_scan_outputs()
    {
        var outputs = Run(CounterModel(), Inputs(0));
        Assert.Equal([1f, 2f], outputs["v"].ToArray<float>());
        Assert.Equal([0, 2], outputs["items"].Shape);

        outputs = Run(CounterModel(), Inputs(5, c: false));
        Assert.Equal([1f, 2f], outputs["v"].ToArray<float>());
        Assert.Equal([0, 2], outputs["items"].Shape);
    }

    [Fact]
    public void Without_a_trip_count_the_body_condition_ends_the_loop()
    {
        // The body returns the outer value keep (false) as its condition: the first iteration runs, then the loop stops.
        var outputs = Run(CounterModel(withTripCount: false, bodyCondition: "keep"), Inputs(0, keep: false));
        Assert.Equal([11f, 102f], outputs["v"].ToArray<float>());
        Assert.Equal([1, 2], outputs["items"].Shape);
    }

    [Fact]
    public void Without_a_condition_input_the_body_condition_is_ignored()
    {
        var outputs = Run(CounterModel(withCondition: false, bodyCondition: "keep"), Inputs(4, keep: false));
        Assert.Equal([41f, 402f], outputs["v"].ToArray<float>());
        Assert.Equal([4, 2], outputs["items"].Shape);
    }

    [Fact]
    public void Neither_trip_count_nor_condition_is_refused_instead_of_looping_forever()
    {
        var error = Assert.Throws<KernelException>(() => Run(CounterModel(withTripCount: false, withCondition: false), Inputs(1)));
        Assert.Contains("never end", error.Message);
    }

    [Fact]
    public void The_body_sees_the_iteration_number_and_an_outer_value_passed_through_stays_intact()
    {
        // v_out = v_in + step is computed, but the loop-carried value returned is the outer value s itself; the body's
        // scan item is the iteration number. Afterwards s is read again by the outer graph.
        var body = new GraphProto
        {
            Name = "body",
            Input = { Value("i", DataType.Int64), Value("cond_in", DataType.Bool), Float("v_in", 2) },
            Node = { Node("Add", ["v_in", "s"], ["unused"]), Node("Identity", ["cond_in"], ["cond_out"]), Node("Identity", ["i"], ["n"]) },
            Output = { Value("cond_out", DataType.Bool), Float("s", 2), Value("n", DataType.Int64) },
        };
        var model = Model(new GraphProto
        {
            Name = "loop",
            Input = { Value("M", DataType.Int64), Value("c", DataType.Bool), Float("v0", 2), Float("step", 2), Value("keep", DataType.Bool) },
            Output = { Float("v", 2), Value("iterations", DataType.Int64, -1), Float("after", 2) },
            Node =
            {
                Node("Add", ["step", "step"], ["s"]),
                Node("Loop", ["M", "c", "v0"], ["v", "iterations"], GraphAttribute("body", body)),
                Node("Add", ["s", "v"], ["after"]),
            },
        }, 13);
        for (var threads = 1; threads <= 2; threads++)
        {
            var outputs = Run(model, Inputs(4), threads);
            Assert.Equal([20f, 200f], outputs["v"].ToArray<float>());
            Assert.Equal([0L, 1L, 2L, 3L], outputs["iterations"].ToArray<long>());
            Assert.Equal([40f, 400f], outputs["after"].ToArray<float>());
        }
    }

    [Fact]
    public void A_trip_count_that_is_not_a_single_int64_fails()
    {
        var inputs = Inputs(1);
        inputs["M"] = Tensor.Create([2], new long[] { 1, 2 });
        var error = Assert.Throws<KernelException>(() => Run(CounterModel(), inputs));
        Assert.Contains("trip count", error.Message);
    }

    [Fact]
    public void Infer_takes_loop_carried_types_from_the_body_and_gives_scan_outputs_an_unknown_leading_dim()
    {
        var info = Infer(CounterModel());
        Assert.Equal(DataType.Float, info["v"].ElementType);
        Assert.Equal("2", Dims(info["v"]));
        Assert.Equal(DataType.Float, info["items"].ElementType);
        Assert.Equal(2, info["items"].Rank);
        Assert.False(info["items"].Shape![0].IsKnown);
        Assert.Equal(2, info["items"].Shape![1].Value);
    }
}
