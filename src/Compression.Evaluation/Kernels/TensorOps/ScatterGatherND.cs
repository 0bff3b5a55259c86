using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Where each index tuple of GatherND and ScatterND points in the data.</summary>
internal static class ScatterGatherND
{
    /// <summary>
    /// The flat data offset of the slice each index tuple names (tuples in row-major order) and the slice length.
    /// The first <paramref name="batchDims"/> axes of the indices walk the data's batches in step.
    /// </summary>
    public static (int[] Offsets, int Slice) Offsets(int[] dataShape, Tensor indexTensor, int batchDims, KernelContext context)
    {
        var indices = TensorValues.Longs(indexTensor) ?? throw context.Fail($"indices must be int32 or int64, not {indexTensor.ElementType}");
        if (indexTensor.Rank < 1) throw context.Fail("indices must have rank 1 or more");
        var rank = dataShape.Length;
        if (batchDims < 0 || (batchDims > 0 && batchDims >= Math.Min(rank, indexTensor.Rank)))
            throw context.Fail($"batch_dims {batchDims} must be less than both ranks");
        for (var d = 0; d < batchDims; d++)
            if (dataShape[d] != indexTensor.Shape[d]) throw context.Fail($"batch axis {d} differs between data ({dataShape[d]}) and indices ({indexTensor.Shape[d]})");
        var k = indexTensor.Shape[^1];
        if (batchDims + k > rank) throw context.Fail($"index tuples of length {k} exceed data rank {rank} after {batchDims} batch axes");
        var strides = ShapeMath.Strides(dataShape);
        var slice = 1;
        for (var d = batchDims + k; d < rank; d++) slice *= dataShape[d];
        var batches = 1;
        for (var d = 0; d < batchDims; d++) batches *= dataShape[d];
        var batchBlock = batchDims == 0 ? 0 : strides[batchDims - 1];
        var tuples = k == 0 ? ShapeMath.ElementCount(indexTensor.Shape.AsSpan(..^1)) : indices.Length / k;
        var perBatch = batches == 0 ? 0 : tuples / batches;
        var offsets = new int[tuples];
        for (var t = 0; t < tuples; t++)
        {
            var offset = batchDims == 0 ? 0 : t / perBatch * batchBlock;
            for (var j = 0; j < k; j++)
            {
                var extent = dataShape[batchDims + j];
                var i = indices[t * k + j];
                if (i < -extent || i >= extent) throw context.Fail($"index {i} is out of range for extent {extent}");
                if (i < 0) i += extent;
                offset += (int)i * strides[batchDims + j];
            }
            offsets[t] = offset;
        }
        return (offsets, slice);
    }
}
