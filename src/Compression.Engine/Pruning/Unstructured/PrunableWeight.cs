using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// One float weight that pruning may zero in place: the constant, the node that reads it (its activation is input 0),
/// its dimensions and its <see cref="ReductionLayout"/>.
/// </summary>
internal sealed record PrunableWeight(ConstantWeight Weight, NodeProto Node, int[] Dims, ReductionLayout Layout)
{
    public int Length => Dims.Aggregate(1, (a, d) => checked(a * d));

    /// <summary>The value the layout's input channels belong to.</summary>
    public string Activation => Node.Input[0];
}
