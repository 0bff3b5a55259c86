using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Inference;

/// <summary>
/// What inference knows of a value: its element type, its shape (null when even the rank is unknown), and its contents
/// when they are constant (initializers, Constant nodes, and what folds from them, such as a Shape of a static shape).
/// </summary>
public sealed record ValueInfo(DataType ElementType, Dim[]? Shape, Tensor? Constant = null)
{
    public static ValueInfo Of(Tensor constant) =>
        new(constant.ElementType, constant.Shape.Select(d => (Dim)d).ToArray(), constant);

    public static ValueInfo Known(DataType type, params long[] dims) => new(type, dims.Select(d => (Dim)d).ToArray());

    public int? Rank => Shape?.Length;

    public bool IsFullyKnown => Shape is not null && Shape.All(d => d.IsKnown);

    /// <summary>The shape as ints, when every dimension is known.</summary>
    public int[]? ConcreteShape => IsFullyKnown ? Shape!.Select(d => checked((int)d.Value)).ToArray() : null;

    public override string ToString() => $"{ElementType}[{(Shape is null ? "?" : string.Join(", ", Shape))}]";
}
