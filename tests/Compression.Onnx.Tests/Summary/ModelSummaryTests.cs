using System.Text.Json;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Summary;
using Compression.Testing;

namespace Compression.Onnx.Tests.Summary;

public class ModelSummaryTests
{
    private static readonly JsonSerializerOptions CamelCase = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    [Fact]
    public void Dense_layer_counts_weights_bytes_and_gemm_macs()
    {
        var s = ModelSummarizer.Summarize(TinyModels.Dense(64, 32));
        Assert.Equal(64 * 32 + 32, s.Parameters);
        Assert.Equal((64 * 32 + 32) * 4, s.WeightBytes);
        var floats = Assert.Single(s.BytesByElementType);
        Assert.Equal(("float", 2), (floats.ElementType, floats.Tensors));
        Assert.Equal(64 * 32, s.Macs);
        Assert.Equal((1, 1), (s.MacNodesKnown, s.MacNodesTotal));
        Assert.Equal("x", Assert.Single(s.Inputs).Name);
        Assert.Equal(["1", "64"], s.Inputs[0].Shape);
    }

    [Fact]
    public void Conv_macs_follow_strides_and_padding()
    {
        // 1x1x7x5 input, 3x3 kernel, stride 2, pads 1: output 1x1x4x3, 9 MACs each.
        var s = Summarize("node/test_conv_with_strides_padding");
        Assert.Equal(4 * 3 * 9, s.Macs);
    }

    [Fact]
    public void Conv_macs_are_computed_from_the_input_when_the_output_shape_is_not_declared()
    {
        var proto = OnnxModel.Load(Path.Combine(TestAssets.BackendSuiteRoot, "node/test_conv_with_strides_padding/model.onnx")).Proto;
        proto.Graph.Output[0].Type.TensorType.Shape = null;
        Assert.Equal(4 * 3 * 9, ModelSummarizer.Summarize(proto).Macs);
    }

    [Fact]
    public void Matmul_macs_broadcast_batch_dimensions()
    {
        // test_matmul_4d: [1,2,3,4] x [1,2,4,3] -> 2 batches of 3x3 outputs over k = 4.
        Assert.Equal(2 * 3 * 3 * 4, Summarize("node/test_matmul_4d").Macs);
    }

    [Fact]
    public void Constant_nodes_and_subgraph_initializers_count_as_parameters()
    {
        var constant = TinyModels.Node("Constant", [], ["k"]);
        constant.Attribute.Add(new AttributeProto
        {
            Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
            T = TinyModels.FloatTensor("k", [2, 3], new float[6]),
        });
        var branch = new GraphProto
        {
            Name = "then", Output = { TinyModels.Float("t", 4) },
            Initializer = { TinyModels.FloatTensor("t", [4], new float[4]) },
        };
        var iff = TinyModels.Node("If", ["c"], ["o"]);
        iff.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
        iff.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch.Clone() });
        var values = TinyModels.Node("Constant", [], ["v"]);
        values.Attribute.Add(new AttributeProto { Name = "value_ints", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 2, 3 } });
        var model = TinyModels.Model(new GraphProto { Node = { constant, values, iff } });

        var s = ModelSummarizer.Summarize(model);
        Assert.Equal(6 + 3 + 4 + 4, s.Parameters);
        Assert.Equal(2, s.Subgraphs);
        Assert.Equal(3, s.Nodes);
        Assert.Equal(2, s.Operators["Constant"]);
        Assert.Equal(6 * 4 + 8 * 4, s.BytesByElementType.Single(b => b.ElementType == "float").Bytes);
        Assert.Equal(3 * 8, s.BytesByElementType.Single(b => b.ElementType == "int64").Bytes);
    }

    /// <summary>
    /// The parameter count and operator histogram agree with an independent parser, Debian's python3-onnx, over the
    /// whole backend suite: the same definition (initializers, sparse initializers and Constant-node values in every
    /// graph) computed by other code on other protobuf bindings.
    /// </summary>
    [Fact]
    public async Task Parameters_and_node_counts_match_python_onnx_on_every_backend_model()
    {
        var models = TestAssets.BackendModels().ToList();
        var listing = Path.GetTempFileName();
        File.WriteAllLines(listing, models);
        try
        {
            var output = await Python.RunAsync(ParameterCountScript, listing);
            var expected = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('\t')).ToDictionary(p => p[0], p => (long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(models.Count, expected.Count);
            var mismatches = new List<string>();
            foreach (var path in models)
            {
                var s = ModelSummarizer.Summarize(OnnxModel.Load(path).Proto);
                if ((s.Parameters, s.Nodes) != expected[path])
                    mismatches.Add($"{path}: ours {s.Parameters}/{s.Nodes}, python {expected[path]}");
            }
            Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));
            Assert.Contains(expected.Values, v => v.Item1 > 0);
        }
        finally
        {
            File.Delete(listing);
        }
    }

    [Fact]
    public void Summary_serialises_with_a_top_level_parameters_number()
    {
        var json = JsonSerializer.Serialize(ModelSummarizer.Summarize(TinyModels.Dense(4, 2)), CamelCase);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(10, doc.RootElement.GetProperty("parameters").GetInt64());
    }

    private static ModelSummary Summarize(string test) =>
        ModelSummarizer.Summarize(OnnxModel.Load(Path.Combine(TestAssets.BackendSuiteRoot, test, "model.onnx")).Proto);

    internal const string ParameterCountScript = """
        import sys, onnx
        from functools import reduce
        def count(dims):
            return reduce(lambda a, b: a * b, dims, 1)
        def walk(graph):
            params, nodes = 0, 0
            for t in graph.initializer: params += count(t.dims)
            for s in graph.sparse_initializer: params += count(s.dims)
            for n in graph.node:
                nodes += 1
                if n.op_type == 'Constant' and n.domain in ('', 'ai.onnx'):
                    for a in n.attribute:
                        if a.name == 'value': params += count(a.t.dims)
                        elif a.name == 'sparse_value': params += count(a.sparse_tensor.dims)
                        elif a.name in ('value_float', 'value_int', 'value_string'): params += 1
                        elif a.name == 'value_floats': params += len(a.floats)
                        elif a.name == 'value_ints': params += len(a.ints)
                        elif a.name == 'value_strings': params += len(a.strings)
                for a in n.attribute:
                    subs = ([a.g] if a.HasField('g') else []) + list(a.graphs)
                    for g in subs:
                        p, c = walk(g); params += p; nodes += c
            return params, nodes
        for path in open(sys.argv[1]).read().split('\n'):
            if path:
                p, c = walk(onnx.load(path, load_external_data=False).graph)
                print(f'{path}\t{p}\t{c}')
        """;
}
