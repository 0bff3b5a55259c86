using Compression.Engine.Pipeline;
using Compression.Engine.Quantization;
using Compression.Engine.Recipes;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Sharing;

/// <summary>
/// <c>WeightSharing=K</c>: each Conv/ConvTranspose/Gemm/MatMul weight becomes K shared values (per tensor, or K per
/// output channel with <c>SharingScope=channel</c> where channels hold at least 4K weights), found by k-means (<see cref="ScalarKMeans"/>), stored as a float
/// codebook plus one uint8 index per weight. The graph rebuilds the weight with standard operators ONNX Runtime runs
/// and folds at load: Cast(indices → int32) [+ channel offsets] → Gather(codebook). The file holds 1 byte a weight
/// instead of 4, and indices of K values compress further when the resource is packed.
/// </summary>
internal sealed class WeightSharingPass : ICompressionPass
{
    /// <summary>Tensors smaller than this keep their float values (a codebook would cost more than it saves).</summary>
    public const int MinElements = 64;

    /// <summary>The k-means seed: fixed, so the same weights give the same codebook on every machine.</summary>
    private const int Seed = 20261122;

    public string Name => "weight-sharing";

    public PassReport Apply(CompressionContext context)
    {
        var clusters = context.Recipe.WeightSharing ?? throw new InvalidOperationException("no WeightSharing in the recipe");
        var perChannel = context.Recipe.SharingScope == SharingScope.Channel;
        var editor = new ModelEditor(context.Model);
        var (tensors, before, after) = WeightRewrite.Run(context, editor, MinElements, (graph, weight, dims, axis) =>
        {
            // A codebook per channel pays only when a channel has many more weights than codebook entries
            // (a depthwise 3x3 channel has 9): below 4K weights a channel, the tensor shares one codebook.
            var perChannelHere = perChannel && dims.Aggregate(1L, (x, d) => x * d) / dims[axis] >= 4L * clusters;
            var (output, bytes) = Share(graph, weight, dims, perChannelHere ? axis : null, clusters);
            return new WeightRewrite.Rewritten(output, bytes);
        });
        return new PassReport(Name, tensors, before, after,
            [$"{tensors} weight tensors shared as {clusters} values {(perChannel ? "per output channel" : "per tensor")} (uint8 indices + float codebook)"]);
    }

    private static (string Output, long Bytes) Share(GraphEditor graph, ConstantWeight weight, int[] dims, int? channelAxis, int clusters)
    {
        var values = TensorData.Read<float>(weight.Tensor);
        var indices = new byte[values.Length];
        var channels = channelAxis is { } a ? dims[a] : 1;
        var outer = channelAxis is { } b ? dims[..b].Aggregate(1, (x, d) => x * d) : 1;
        var inner = channelAxis is { } c ? dims[(c + 1)..].Aggregate(1, (x, d) => x * d) : values.Length;
        var codebook = new float[channels * clusters];
        for (var channel = 0; channel < channels; channel++)
        {
            // The values of one channel: `outer` runs of `inner` values each.
            var members = new List<int>();
            for (var o = 0; o < outer; o++)
                for (var i = 0; i < inner; i++) members.Add((o * channels + channel) * inner + i);
            var centroids = ScalarKMeans.Centroids(members.Select(m => values[m]).ToArray(), clusters, Seed);
            Array.Copy(centroids, 0, codebook, channel * clusters, centroids.Length);
            foreach (var m in members) indices[m] = (byte)ScalarKMeans.Nearest(centroids, values[m]);
        }

        var names = graph.Model.Names;
        var indexName = names.Next($"{weight.Name}_indices");
        var codebookName = names.Next($"{weight.Name}_codebook");
        graph.AddInitializer(TensorData.Create(indexName, dims.Select(d => (long)d).ToArray(), (ReadOnlySpan<byte>)indices));
        graph.AddInitializer(TensorData.Create(codebookName, [codebook.Length], (ReadOnlySpan<float>)codebook));
        var wide = names.Next($"{weight.Name}_indices_int32");
        var nodes = new List<NodeProto>
        {
            NodeBuilder.Op("Cast", names.Next($"{weight.Name}_indices_Cast")).Inputs(indexName).Outputs(wide).IntAttribute("to", (long)DataType.Int32).Build(),
        };
        var positions = wide;
        if (channelAxis is { } axis)
        {
            // Channel c's codebook starts at c·K: add that offset, shaped to broadcast along the channel axis.
            var offsets = Enumerable.Range(0, channels).Select(ch => ch * clusters).ToArray();
            var offsetName = names.Next($"{weight.Name}_codebook_offsets");
            graph.AddInitializer(TensorData.Create(offsetName, dims.Select((d, i) => i == axis ? (long)d : 1L).ToArray(), (ReadOnlySpan<int>)offsets));
            positions = names.Next($"{weight.Name}_codebook_positions");
            nodes.Add(NodeBuilder.Op("Add", names.Next($"{weight.Name}_codebook_Add")).Inputs(wide, offsetName).Outputs(positions).Build());
        }
        var output = names.Next($"{weight.Name}_shared");
        nodes.Add(NodeBuilder.Op("Gather", names.Next($"{weight.Name}_Gather")).Inputs(codebookName, positions).Outputs(output).Build());
        // The new nodes read only initializers, so they can lead the graph.
        graph.InsertNodes(0, nodes);
        return (output, indices.Length + 4L * codebook.Length + (channelAxis is null ? 0 : 4L * channels));
    }
}
