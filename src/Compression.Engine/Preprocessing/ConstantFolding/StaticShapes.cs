using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.ConstantFolding;

/// <summary>
/// The values of Shape and Size over a tensor whose shape is fully known though its data is not: what turns the
/// Shape → Gather → Concat → Reshape chains of exported models into constants. A symbolic dimension (a dynamic batch)
/// is not known, so a Shape that reads one stays and the model keeps accepting any batch size.
/// </summary>
internal static class StaticShapes
{
    /// <summary>Every value's inferred type and shape, or nothing when inference cannot follow the model.</summary>
    public static IReadOnlyDictionary<string, ValueInfo> Infer(ModelIndex index)
    {
        try
        {
            return ShapeInference.Infer(index);
        }
        catch (CompressionException)
        {
            // A model inference cannot follow still folds what is plainly constant.
            return new Dictionary<string, ValueInfo>();
        }
    }

    /// <summary>The output of a Shape or Size node whose input has the fully known <paramref name="input"/> shape, else null.</summary>
    public static Tensor? Evaluate(NodeProto node, ValueInfo? input)
    {
        if (input?.ConcreteShape is not { } shape || node.Input.Count != 1) return null;
        switch (node.OpType)
        {
            case "Shape":
            {
                // start and end (opset 15) slice the shape as Python slices do, clamped to the rank.
                var rank = shape.Length;
                var start = Clamp(Attribute(node, "start") ?? 0, rank);
                var end = Clamp(Attribute(node, "end") ?? rank, rank);
                var dims = shape.Skip(start).Take(Math.Max(0, end - start)).Select(d => (long)d).ToArray();
                return Tensor.Create([dims.Length], dims);
            }
            case "Size":
                return Tensor.Scalar(shape.Aggregate(1L, (a, d) => a * d));
            default:
                return null;
        }
    }

    private static long? Attribute(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name && a.Type == AttributeProto.Types.AttributeType.Int)?.I;

    private static int Clamp(long axis, int rank) => (int)Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);
}
