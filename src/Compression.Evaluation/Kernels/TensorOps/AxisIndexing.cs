using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Where each element of GatherElements' and ScatterElements' indices points in the data.</summary>
internal static class AxisIndexing
{
    /// <summary>
    /// The flat data offset for each position p of the indices (row-major): p itself on every axis but
    /// <paramref name="axis"/>, indices[p] there (negative counts from the end).
    /// </summary>
    public static int[] Offsets(int[] dataShape, int[] indexShape, long[] indices, int axis, Func<string, Exception> fail)
    {
        for (var d = 0; d < indexShape.Length; d++)
            if (d != axis && indexShape[d] > dataShape[d]) throw fail($"indices extent {indexShape[d]} on axis {d} exceeds the data's {dataShape[d]}");
        var strides = ShapeMath.Strides(dataShape);
        var offsets = new int[indices.Length];
        var index = new int[indexShape.Length];
        var extent = dataShape[axis];
        var baseOffset = 0;
        for (var n = 0; n < offsets.Length; n++)
        {
            var i = indices[n];
            if (i < -extent || i >= extent) throw fail($"index {i} is out of range for extent {extent}");
            if (i < 0) i += extent;
            offsets[n] = baseOffset + (int)i * strides[axis];
            for (var d = indexShape.Length - 1; d >= 0; d--)
            {
                index[d]++;
                if (d != axis) baseOffset += strides[d];
                if (index[d] < indexShape[d]) break;
                if (d != axis) baseOffset -= strides[d] * indexShape[d];
                index[d] = 0;
            }
        }
        return offsets;
    }
}
