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
}
