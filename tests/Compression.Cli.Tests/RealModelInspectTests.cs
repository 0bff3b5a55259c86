using System.Text.Json;
using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>`modelc inspect --json` on the real models agrees with an independent parser (Debian's python3-onnx).</summary>
public class RealModelInspectTests
{
    private const string CountScript = """
        import sys, onnx
        from functools import reduce
        def count(dims):
            return reduce(lambda a, b: a * b, dims, 1)
        def walk(graph):
            total = sum(count(t.dims) for t in graph.initializer) + sum(count(s.dims) for s in graph.sparse_initializer)
            for n in graph.node:
                for a in n.attribute:
                    if n.op_type == 'Constant' and a.name == 'value': total += count(a.t.dims)
                    if n.op_type == 'Constant' and a.name in ('value_floats', 'value_ints'): total += len(a.floats) + len(a.ints)
                    if n.op_type == 'Constant' and a.name in ('value_float', 'value_int'): total += 1
                    for g in ([a.g] if a.HasField('g') else []) + list(a.graphs): total += walk(g)
            return total
        m = onnx.load(sys.argv[1])
        print(walk(m.graph), len(m.graph.node))
        """;

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Inspect_json_parameters_equal_python_onnx_count(string name)
    {
        var model = TestAssets.RealModel(name).RequirePath();
        var (code, stdout, stderr) = ModelcRunner.Run("inspect", model, "--json");
        Assert.True(code == 0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;

        var expected = (await Python.RunAsync(CountScript, model)).Trim().Split(' ');
        Assert.Equal(long.Parse(expected[0], System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("parameters").GetInt64());
        Assert.Equal(int.Parse(expected[1], System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("nodes").GetInt32());
        Assert.True(root.GetProperty("parameters").GetInt64() > 50_000, "a real model has real weights");
    }

    private const string GemmWeightScript = """
        import sys, onnx
        from functools import reduce
        m = onnx.load(sys.argv[1])
        consts = {t.name: list(t.dims) for t in m.graph.initializer}
        for n in m.graph.node:
            if n.op_type == 'Constant':
                for a in n.attribute:
                    if a.name == 'value': consts[n.output[0]] = list(a.t.dims)
        print(sum(reduce(lambda a, b: a * b, consts[n.input[1]], 1) for n in m.graph.node if n.op_type == 'Gemm'))
        """;

    [Fact]
    public async Task Inferred_shapes_give_macs_for_every_gemm_of_the_wake_word_model()
    {
        // With batch 1, a Gemm's MACs are its weight's element count, which python-onnx can count independently.
        var model = TestAssets.Models.HelloDeepa.RequirePath();
        var (code, stdout, stderr) = ModelcRunner.Run("inspect", model, "--json");
        Assert.True(code == 0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(root.GetProperty("macNodesTotal").GetInt32(), root.GetProperty("macNodesKnown").GetInt32());
        var expected = long.Parse((await Python.RunAsync(GemmWeightScript, model)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, root.GetProperty("macs").GetInt64());
    }

    [Fact]
    public void An_input_shape_makes_every_layer_of_a_dynamic_model_countable()
    {
        var model = TestAssets.Models.PaddleOcrDetector.RequirePath();
        // Without a shape the declared default counts every layer, and the summary says it is the default.
        var (_, dynamicOut, _) = ModelcRunner.Run("inspect", model, "--json");
        var dynamic = JsonDocument.Parse(dynamicOut).RootElement;
        Assert.Equal(dynamic.GetProperty("macNodesTotal").GetInt32(), dynamic.GetProperty("macNodesKnown").GetInt32());
        var assumed = Assert.Single(dynamic.GetProperty("costShapes").EnumerateArray());
        Assert.StartsWith("default", assumed.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal([1L, 3, 128, 128], assumed.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()));

        var (code, stdout, stderr) = ModelcRunner.Run("inspect", model, "--json", "--input-shape", "x=1,3,320,320");
        Assert.True(code == 0, stderr);
        var small = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(small.GetProperty("macNodesTotal").GetInt32(), small.GetProperty("macNodesKnown").GetInt32());
        var (_, largeOut, _) = ModelcRunner.Run("inspect", model, "--json", "--input-shape", "x=1,3,640,640");
        // A convolutional model's cost grows with the pixel count: four times the pixels, nearly four times the MACs
        // (the squeeze-and-excitation layers after global pooling cost the same at any size).
        var ratio = (double)JsonDocument.Parse(largeOut).RootElement.GetProperty("macs").GetInt64() / small.GetProperty("macs").GetInt64();
        Assert.InRange(ratio, 3.9, 4.0);
    }

    [Fact]
    public void An_input_shape_for_an_unknown_input_is_MCB2005()
    {
        var (code, _, stderr) = ModelcRunner.Run("inspect", TestAssets.Models.HelloDeepa.RequirePath(), "--input-shape", "image=1,3,8,8");
        Assert.Equal(2, code);
        Assert.Contains("MCB2005", stderr);
    }
}
