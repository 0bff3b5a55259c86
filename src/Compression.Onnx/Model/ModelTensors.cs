using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Model;

/// <summary>Where a tensor sits in a model: what holds it, and the graph it belongs to.</summary>
public enum TensorSite
{
    Initializer,
    SparseInitializer,
    ConstantNode,
    NodeAttribute,
}

/// <summary>One tensor of a model with the place it was found.</summary>
public readonly record struct ModelTensor(TensorProto Tensor, TensorSite Site, GraphProto? Graph, NodeProto? Node);

/// <summary>
/// Enumerates every TensorProto a model stores: initializers and sparse initializers of the main graph and of every
/// subgraph (If/Loop/Scan bodies, any graph-valued attribute), tensors in node attributes (Constant nodes among them),
/// and those inside functions and training info. Loading, saving with external data, validation and the summary all
/// walk the model through this one place so that none of them forgets a kind of tensor.
/// </summary>
public static class ModelTensors
{
    public static IEnumerable<ModelTensor> Enumerate(ModelProto model)
    {
        if (model.Graph is not null)
            foreach (var t in EnumerateGraph(model.Graph)) yield return t;
        foreach (var f in model.Functions)
            foreach (var node in f.Node)
                foreach (var t in EnumerateNode(node, null)) yield return t;
        foreach (var info in model.TrainingInfo)
        {
            if (info.Initialization is not null)
                foreach (var t in EnumerateGraph(info.Initialization)) yield return t;
            if (info.Algorithm is not null)
                foreach (var t in EnumerateGraph(info.Algorithm)) yield return t;
        }
    }

    public static IEnumerable<ModelTensor> EnumerateGraph(GraphProto graph)
    {
        foreach (var init in graph.Initializer)
            yield return new ModelTensor(init, TensorSite.Initializer, graph, null);
        foreach (var sparse in graph.SparseInitializer)
        {
            if (sparse.Values is not null) yield return new ModelTensor(sparse.Values, TensorSite.SparseInitializer, graph, null);
            if (sparse.Indices is not null) yield return new ModelTensor(sparse.Indices, TensorSite.SparseInitializer, graph, null);
        }
        foreach (var node in graph.Node)
            foreach (var t in EnumerateNode(node, graph)) yield return t;
    }

    private static IEnumerable<ModelTensor> EnumerateNode(NodeProto node, GraphProto? graph)
    {
        var site = node.OpType == "Constant" && node.Domain is "" or "ai.onnx" ? TensorSite.ConstantNode : TensorSite.NodeAttribute;
        foreach (var attr in node.Attribute)
        {
            if (attr.T is not null) yield return new ModelTensor(attr.T, site, graph, node);
            foreach (var t in attr.Tensors) yield return new ModelTensor(t, site, graph, node);
            if (attr.SparseTensor is not null)
            {
                if (attr.SparseTensor.Values is not null) yield return new ModelTensor(attr.SparseTensor.Values, site, graph, node);
                if (attr.SparseTensor.Indices is not null) yield return new ModelTensor(attr.SparseTensor.Indices, site, graph, node);
            }
            foreach (var s in attr.SparseTensors)
            {
                if (s.Values is not null) yield return new ModelTensor(s.Values, site, graph, node);
                if (s.Indices is not null) yield return new ModelTensor(s.Indices, site, graph, node);
            }
            if (attr.G is not null)
                foreach (var t in EnumerateGraph(attr.G)) yield return t;
            foreach (var g in attr.Graphs)
                foreach (var t in EnumerateGraph(g)) yield return t;
        }
    }
}
