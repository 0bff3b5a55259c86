using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Summary;

/// <summary>
/// Shapes a graph declares without inference: initializer dims and value infos whose dimensions are numbers. A symbolic
/// leading (batch) dimension counts as 1, since costs are quoted per single input; any other symbolic dimension leaves
/// the shape unknown. Shapes from the executor's shape inference, when the caller has them, come first.
/// </summary>
internal sealed class KnownShapes
{
    private readonly GraphIndex _graph;
    private readonly Func<string, long[]?>? _inferred;

    public KnownShapes(GraphIndex graph, Func<string, long[]?>? inferred = null)
    {
        _graph = graph;
        _inferred = inferred;
    }

    public long[]? Of(string name)
    {
        if (_inferred?.Invoke(name) is { } shape) return shape;
        for (var g = _graph; g is not null; g = g.Parent)
        {
            if (g.Initializers.TryGetValue(name, out var init)) return init.Dims.ToArray();
            if (g.ValueInfos.TryGetValue(name, out var info)) return FromType(info.Type);
        }
        return null;
    }

    private static long[]? FromType(TypeProto? type) => type?.TensorType?.Shape is { } shape
        ? CostShape.Of(shape.Dim.Count, i => shape.Dim[i].HasDimValue ? shape.Dim[i].DimValue : null)
        : null;
}
