using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>What the control-flow kernels share: binding values into subgraph runs, slicing and stacking along an axis.</summary>
internal static class Subgraphs
{
    /// <summary>
    /// A copy of <paramref name="tensor"/> in an array of its own that no pool knows about. A subgraph run releases its
    /// graph inputs after their last reader there; a value bound from outside (a Loop's initial state, a body output
    /// that is an outer value passed through) must not go back to the pool while the outer graph still holds it, and
    /// an untracked array is never pooled.
    /// </summary>
    public static Tensor Detach(Tensor tensor)
    {
        var data = ElementClrTypes.NewArray(tensor.ElementType, tensor.Length);
        Array.Copy(tensor.Data, data, tensor.Length);
        return new Tensor(tensor.ElementType, (int[])tensor.Shape.Clone(), data);
    }

    /// <summary>The single value of a boolean condition tensor (shape [] or [1]).</summary>
    public static bool Condition(KernelContext context, Tensor tensor, string what)
    {
        if (tensor.ElementType != DataType.Bool || tensor.Length != 1)
            throw context.Fail($"{what} must be a single bool, got {tensor}");
        return ((bool[])tensor.Data)[0];
    }

    /// <summary>The declared type of a subgraph's output <paramref name="index"/>; null when it declares no tensor type.</summary>
    public static ValueInfo? DeclaredOutput(GraphProto graph, int index)
    {
        if (index >= graph.Output.Count) return null;
        var info = ShapeInference.FromType(graph.Output[index].Type);
        return info is null || info.ElementType == DataType.Undefined ? null : info;
    }

    /// <summary>What two branches agree on: the type, and each dimension both know to be equal.</summary>
    public static ValueInfo? Join(ValueInfo? a, ValueInfo? b)
    {
        if (a is null || b is null) return a ?? b;
        if (a.Shape is null || b.Shape is null || a.Shape.Length != b.Shape.Length) return new ValueInfo(a.ElementType, null);
        var dims = new Dim[a.Shape.Length];
        for (var i = 0; i < dims.Length; i++)
            dims[i] = a.Shape[i] == b.Shape[i] ? a.Shape[i] : Dim.Unknown;
        return new ValueInfo(a.ElementType, dims);
    }

    /// <summary>The shape with <paramref name="dim"/> inserted at <paramref name="axis"/> (already normalized).</summary>
    public static Dim[]? Insert(Dim[]? shape, int axis, Dim dim)
    {
        if (shape is null || axis < 0 || axis > shape.Length) return null;
        return [.. shape[..axis], dim, .. shape[axis..]];
    }

    /// <summary>Element <paramref name="position"/> along <paramref name="axis"/>: a tensor of rank one less, untracked.</summary>
    public static Tensor Slice(Tensor source, int axis, int position)
    {
        var shape = source.Shape;
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        var length = shape[axis];
        var sliceShape = shape.Where((_, i) => i != axis).ToArray();
        var data = ElementClrTypes.NewArray(source.ElementType, outer * inner);
        for (var o = 0; o < outer; o++)
            Array.Copy(source.Data, ((long)o * length + position) * inner, data, (long)o * inner, inner);
        return new Tensor(source.ElementType, sliceShape, data);
    }

    /// <summary>
    /// Copies <paramref name="item"/> (the shape of <paramref name="target"/> without <paramref name="axis"/>) into
    /// position <paramref name="position"/> of <paramref name="target"/> along <paramref name="axis"/>.
    /// </summary>
    public static void Place(Tensor target, int axis, int position, Tensor item)
    {
        var shape = target.Shape;
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        var length = shape[axis];
        for (var o = 0; o < outer; o++)
            Array.Copy(item.Data, (long)o * inner, target.Data, ((long)o * length + position) * inner, inner);
    }

    /// <summary>Whether <paramref name="item"/> has the shape of <paramref name="stacked"/> without <paramref name="axis"/>.</summary>
    public static bool FitsAlong(int[] stacked, int axis, int[] item)
    {
        if (item.Length + 1 != stacked.Length) return false;
        for (int i = 0, j = 0; i < stacked.Length; i++)
        {
            if (i == axis) continue;
            if (stacked[i] != item[j++]) return false;
        }
        return true;
    }

    /// <summary>The element type and shape of an empty stack of a subgraph output whose items were never produced.</summary>
    public static (DataType Type, int[] Shape) EmptyStack(GraphProto graph, int outputIndex, int axis)
    {
        var declared = DeclaredOutput(graph, outputIndex);
        var type = declared?.ElementType ?? DataType.Float;
        // Unknown dims of a stack with no items are 0: the stack holds no elements whatever they are.
        var item = declared?.Shape?.Select(d => d.IsKnown ? checked((int)d.Value) : 0).ToArray() ?? [];
        var normalized = Math.Clamp(axis < 0 ? axis + item.Length + 1 : axis, 0, item.Length);
        return (type, [.. item[..normalized], 0, .. item[normalized..]]);
    }
}
