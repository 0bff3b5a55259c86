using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Checking;

/// <summary>
/// The form of a SparseTensorProto (onnx.proto's rules): values of rank 1 holding NNZ elements; a dense shape of positive
/// dims; indices, when NNZ &gt; 0, as INT64 of shape [NNZ] (linear positions) or [NNZ, rank] (coordinates), in range and
/// strictly increasing so that no position is given twice.
/// </summary>
internal static class SparseTensorChecker
{
    public static void Check(SparseTensorProto sparse, CheckContext ctx, string what)
    {
        if (sparse.Values is null)
        {
            ctx.Report(CheckRules.SparseTensor, $"{what} has no values.");
            return;
        }
        var name = $"{what} '{sparse.Values.Name}'";
        var before = ctx.Issues.Count;
        TensorChecker.Check(sparse.Values, ctx, what + " values");
        if (sparse.Values.Dims.Count != 1)
        {
            ctx.Report(CheckRules.SparseTensor, $"{name}: values must have rank 1, not {sparse.Values.Dims.Count}.");
            return;
        }
        var nnz = sparse.Values.Dims[0];
        if (sparse.Dims.Count == 0 || sparse.Dims.Any(d => d <= 0))
        {
            ctx.Report(CheckRules.SparseTensor, $"{name}: the dense shape must have rank > 0 and positive dims.");
            return;
        }
        if (sparse.Indices is null)
        {
            if (nnz != 0) ctx.Report(CheckRules.SparseTensor, $"{name} has {nnz} values but no indices.");
            return;
        }
        TensorChecker.Check(sparse.Indices, ctx, what + " indices");
        if (ctx.Issues.Count != before)
            return; // the index data cannot be read safely
        if (sparse.Indices.DataType != (int)DataType.Int64)
        {
            ctx.Report(CheckRules.SparseTensor, $"{name}: indices must be INT64.");
            return;
        }
        var rank = sparse.Dims.Count;
        var shape = sparse.Indices.Dims;
        if (!(shape.Count == 1 && shape[0] == nnz) && !(shape.Count == 2 && shape[0] == nnz && shape[1] == rank))
        {
            ctx.Report(CheckRules.SparseTensor,
                $"{name}: indices must have shape [{nnz}] or [{nnz}, {rank}], not [{string.Join(", ", shape)}].");
            return;
        }
        var index = ReadInt64(sparse.Indices);
        var linear = shape.Count == 1;
        long previous = -1;
        for (var i = 0; i < nnz; i++)
        {
            long position = 0;
            if (linear)
            {
                position = index[i];
                var size = sparse.Dims.Aggregate(1L, (a, d) => a * d);
                if (position < 0 || position >= size)
                {
                    ctx.Report(CheckRules.SparseTensor, $"{name}: index {i} ({position}) is out of range.");
                    return;
                }
            }
            else
            {
                for (var j = 0; j < rank; j++)
                {
                    var coordinate = index[i * rank + j];
                    if (coordinate < 0 || coordinate >= sparse.Dims[j])
                    {
                        ctx.Report(CheckRules.SparseTensor, $"{name}: index [{i}, {j}] ({coordinate}) is out of range.");
                        return;
                    }
                    position = position * sparse.Dims[j] + coordinate;
                }
            }
            if (position <= previous)
            {
                ctx.Report(CheckRules.SparseTensor, $"{name}: index {i} is not in increasing order.");
                return;
            }
            previous = position;
        }
    }

    private static long[] ReadInt64(TensorProto t)
    {
        if (t.Int64Data.Count > 0)
            return [.. t.Int64Data];
        var bytes = t.RawData.Span;
        var values = new long[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++)
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8, 8));
        return values;
    }
}
