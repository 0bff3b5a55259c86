using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Preprocessing.BatchNormFolding;

/// <summary>Where a fold writes a node's new weight or bias.</summary>
internal static class FoldedWeights
{
    /// <summary>
    /// Writes new values for a weight: in place when only the producer reads it (the file keeps its names), else as a new
    /// constant beside it so other readers keep the old values. Returns the name the producer should read.
    /// </summary>
    public static string Store(ModelProto model, GraphIndex graph, NodeProto producer, ConstantWeight? old, long[] dims,
        float[] values, string baseName, UniqueNames names)
    {
        if (old is not null && FixedWeights.IsExclusive(graph, old, producer))
        {
            TensorData.Replace<float>(old.Tensor, dims, values);
            return old.Name;
        }
        var name = names.Next(baseName);
        ConstantStorage.Add(model, graph.Graph, TensorData.Create<float>(name, dims, values), names.Next($"{name}_Constant"));
        return name;
    }
}
