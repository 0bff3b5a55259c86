using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tensors;

/// <summary>
/// A dense tensor the executor computes with: an element type, a shape, and a flat row-major array of the CLR type that
/// <see cref="ElementClrTypes"/> maps it to (int4/uint4 unpacked one element per sbyte/byte). Tensors may share an
/// array (Reshape, Identity); nothing writes to an array it did not allocate for this node.
/// </summary>
public sealed class Tensor
{
    public Tensor(DataType elementType, int[] shape, Array data)
    {
        var length = ShapeMath.ElementCount(shape);
        if (data.Length < length)
            throw new ArgumentException($"data holds {data.Length} elements, shape {ShapeMath.Format(shape)} needs {length}");
        if (data.GetType().GetElementType() != ElementClrTypes.Of(elementType))
            throw new ArgumentException($"a {elementType} tensor cannot hold {data.GetType().Name}");
        ElementType = elementType;
        Shape = shape;
        Data = data;
        Length = length;
    }

    public DataType ElementType { get; }

    public int[] Shape { get; }

    public int Rank => Shape.Length;

    /// <summary>The backing array; may be longer than <see cref="Length"/> when it came from the pool.</summary>
    public Array Data { get; }

    public int Length { get; }

    public Span<T> Span<T>() => new((T[])Data, 0, Length);

    public ReadOnlySpan<T> ReadOnlySpan<T>() => new((T[])Data, 0, Length);

    /// <summary>The same elements seen with another shape of equal element count (no copy).</summary>
    public Tensor WithShape(int[] shape) => new(ElementType, shape, Data);

    public static Tensor Create<T>(int[] shape, T[] data) => new(ElementClrTypes.DataTypeOf<T>(), shape, data);

    public static Tensor Scalar<T>(T value) => Create([], new[] { value });

    public T[] ToArray<T>() => ReadOnlySpan<T>().ToArray();

    public override string ToString() => $"{ElementType}{ShapeMath.Format(Shape)}";
}
