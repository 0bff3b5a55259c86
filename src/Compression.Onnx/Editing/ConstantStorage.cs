using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Editing;

/// <summary>
/// Where a new constant goes, given the model's IR version. From IR 4 on an initializer is a constant of its own; before
/// IR 4 every initializer must also be listed as a graph input, which would give the model new inputs callers see (and
/// `modelc run` matches inputs by position), so there a constant stays a Constant node (an operator since opset 1).
/// </summary>
public static class ConstantStorage
{
    /// <summary>The first IR version whose initializers need not be graph inputs.</summary>
    public const long FirstIrWithFreeInitializers = 4;

    public static bool UsesInitializers(ModelProto model) => model.IrVersion >= FirstIrWithFreeInitializers;

    /// <summary>A Constant node that produces <paramref name="tensor"/> under the tensor's name.</summary>
    public static NodeProto ConstantNode(TensorProto tensor, string nodeName) =>
        NodeBuilder.Op("Constant", nodeName).Outputs(tensor.Name).TensorAttribute("value", tensor).Build();

    /// <summary>
    /// Adds <paramref name="tensor"/> to <paramref name="graph"/>: as an initializer, or before IR 4 as a Constant node
    /// at the front of the graph (it reads nothing, so the front keeps the node order topological).
    /// </summary>
    public static void Add(ModelProto model, GraphProto graph, TensorProto tensor, string nodeName)
    {
        if (UsesInitializers(model)) graph.Initializer.Add(tensor);
        else graph.Node.Insert(0, ConstantNode(tensor, nodeName));
    }
}
