using Compression.Engine.Recipes;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pipeline;

/// <summary>What the passes share: the model being changed, the untouched original, and the recipe.</summary>
public sealed class CompressionContext
{
    public CompressionContext(OnnxModel original, Recipe recipe)
    {
        Original = original;
        Recipe = recipe;
        Model = original.Proto.Clone();
    }

    /// <summary>The model as loaded; passes compare against it and never change it.</summary>
    public OnnxModel Original { get; }

    /// <summary>The working copy the passes change.</summary>
    public ModelProto Model { get; }

    public Recipe Recipe { get; }

    /// <summary>The opset of the default domain (operators' versions), 1 when the model imports none.</summary>
    public long DefaultOpset => Model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

    /// <summary>Whether a node is kept at full precision by the recipe's Exclude list (node names and operator types).</summary>
    public bool IsExcluded(NodeProto node) =>
        Recipe.Exclude.Contains(node.Name, StringComparer.Ordinal) || Recipe.Exclude.Contains(node.OpType, StringComparer.Ordinal);
}
