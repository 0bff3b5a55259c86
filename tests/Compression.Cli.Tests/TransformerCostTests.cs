using System.Text.Json;
using Compression.Testing;

namespace Compression.Cli.Tests;

/// <summary>
/// `modelc inspect` on the BERT-style text encoder (dynamic batch and sequence): with shapes given, or a data set, every
/// MatMul/Gemm is counted and the total is the hand count of a BERT encoder, so shape propagation carries the sequence
/// length through Shape/Gather/Concat/Reshape/Transpose and the batched attention MatMuls.
/// </summary>
public class TransformerCostTests
{
    // all-MiniLM-L6-v2: 6 layers, hidden 384, feed-forward 1536; the pooler is one 384x384 Gemm on the first token.
    private const long Layers = 6, Hidden = 384, FeedForward = 1536;

    /// <summary>Per layer: Q, K, V and output projections 4·s·d², attention scores and weighted sum 2·s²·d, feed-forward 2·s·d·dff.</summary>
    private static long HandCount(long s) =>
        (Layers * ((4 * s * Hidden * Hidden) + (2 * s * s * Hidden) + (2 * s * Hidden * FeedForward))) + (Hidden * Hidden);

    private static JsonElement Inspect(params string[] args)
    {
        var (code, stdout, stderr) = ModelcRunner.Run(["inspect", TestAssets.Models.MiniLm.RequirePath(), "--json", .. args]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Fact]
    public void Given_input_shapes_every_matmul_is_counted_and_the_total_is_the_hand_count()
    {
        var root = Inspect("--input-shape", "input_ids=1,128", "--input-shape", "attention_mask=1,128", "--input-shape", "token_type_ids=1,128");
        Assert.Equal(49, root.GetProperty("macNodesTotal").GetInt32());
        Assert.Equal(49, root.GetProperty("macNodesKnown").GetInt32());
        Assert.Equal(HandCount(128), root.GetProperty("macs").GetInt64());
        Assert.All(root.GetProperty("costShapes").EnumerateArray(), s => Assert.Equal("InputShapes", s.GetProperty("source").GetString()));
    }

    [Fact]
    public void Without_shapes_the_declared_default_is_used_and_stated()
    {
        var root = Inspect();
        Assert.Equal(49, root.GetProperty("macNodesKnown").GetInt32());
        Assert.Equal(HandCount(128), root.GetProperty("macs").GetInt64());
        var shapes = root.GetProperty("costShapes").EnumerateArray().ToList();
        Assert.Equal(3, shapes.Count);
        Assert.All(shapes, s => Assert.StartsWith("default", s.GetProperty("source").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_data_set_gives_the_median_sequence_length_of_its_samples()
    {
        using var temp = new TempFolder("inspect-data");
        var data = SentenceDataSets.Write(TestAssets.Models.MiniLm, temp.CreateFolder("sentences"), 5);
        var lengths = Directory.GetDirectories(data).Order(StringComparer.Ordinal)
            .Select(d => Compression.Onnx.DataFiles.NpyFile.Read(Path.Combine(d, "input_ids.npy")).Dims[1]).Order().ToList();
        var median = lengths[(lengths.Count - 1) / 2];
        var root = Inspect("--data", data);
        Assert.Equal(49, root.GetProperty("macNodesKnown").GetInt32());
        Assert.Equal(HandCount(median), root.GetProperty("macs").GetInt64());
        Assert.All(root.GetProperty("costShapes").EnumerateArray(), s =>
        {
            Assert.Equal("data set", s.GetProperty("source").GetString());
            Assert.Equal([1L, median], s.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()));
        });
    }
}
