using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Execution;

/// <summary>
/// Arrays of intermediate tensors, returned when their last reader has run and handed to later nodes of the same
/// element type and length. Networks repeat shapes, so a run settles on a few live buffers instead of one per node.
/// One pool belongs to one run on one thread of control; it is not shared.
/// </summary>
internal sealed class TensorPool
{
    private readonly Dictionary<(Type, int), Stack<Array>> _free = new();

    public Tensor Rent(DataType type, int[] shape)
    {
        var length = ShapeMath.ElementCount(shape);
        var clr = ElementClrTypes.Of(type);
        var array = _free.TryGetValue((clr, length), out var stack) && stack.Count > 0
            ? stack.Pop()
            : Array.CreateInstance(clr, length);
        return new Tensor(type, shape, array);
    }

    public void Return(Array array)
    {
        var key = (array.GetType().GetElementType()!, array.Length);
        if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new Stack<Array>();
        stack.Push(array);
    }
}
