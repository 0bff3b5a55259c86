namespace Compression.Engine.Pruning.Structured;

/// <summary>Keeps chosen indices of one axis of a dense row-major tensor.</summary>
internal static class ChannelSlicing
{
    /// <summary>Keeps chosen indices of one axis of a float tensor, in place (its dims shrink with it).</summary>
    public static void SliceInPlace(Compression.Onnx.Protobuf.TensorProto tensor, int axis, IReadOnlyList<int> keep)
    {
        var dims = tensor.Dims.ToArray();
        Compression.Onnx.Tensors.TensorData.Replace<float>(tensor, dims, Slice(Compression.Onnx.Tensors.TensorData.Read<float>(tensor), dims, axis, keep));
    }

    public static float[] Slice(ReadOnlySpan<float> values, long[] dims, int axis, IReadOnlyList<int> keep)
    {
        var outer = 1L;
        for (var a = 0; a < axis; a++) outer *= dims[a];
        var inner = 1;
        for (var a = axis + 1; a < dims.Length; a++) inner *= checked((int)dims[a]);
        var size = checked((int)dims[axis]);
        var result = new float[checked((int)(outer * keep.Count * inner))];
        var at = 0;
        for (var o = 0L; o < outer; o++)
        {
            foreach (var k in keep)
            {
                values.Slice(checked((int)(((o * size) + k) * inner)), inner).CopyTo(result.AsSpan(at, inner));
                at += inner;
            }
        }
        dims[axis] = keep.Count;
        return result;
    }
}
