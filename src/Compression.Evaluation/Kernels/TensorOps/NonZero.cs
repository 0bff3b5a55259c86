using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// NonZero (9; 13 bfloat16): the coordinates of the non-zero elements as int64 of shape [rank, count], in row-major
/// order (NumPy's nonzero). A scalar counts as a one-element vector, as NumPy treats it.
/// </summary>
internal sealed class NonZero : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var rank = context.Input(0)?.Shape?.Length;
        return [new ValueInfo(DataType.Int64, rank is { } r ? [Math.Max(r, 1), Dim.Unknown] : [Dim.Unknown, Dim.Unknown])];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var flags = new bool[input.Length];
        var count = 0;
        switch (input.Data)
        {
            case float[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case double[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case Half[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = (float)x[i] != 0) ? 1 : 0; break;
            case BFloat16[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = (float)x[i] != 0) ? 1 : 0; break;
            case sbyte[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case byte[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case short[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case ushort[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case int[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case uint[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case long[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case ulong[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i] != 0) ? 1 : 0; break;
            case bool[] x: for (var i = 0; i < flags.Length; i++) count += (flags[i] = x[i]) ? 1 : 0; break;
            default: throw context.Fail($"element type {input.ElementType} is not supported");
        }
        var shape = input.Rank == 0 ? [1] : input.Shape;
        var rank = shape.Length;
        var output = context.Allocate(DataType.Int64, [rank, count]);
        var y = output.Span<long>();
        var index = new int[rank];
        var n = 0;
        for (var i = 0; i < flags.Length; i++)
        {
            if (flags[i])
            {
                for (var d = 0; d < rank; d++) y[d * count + n] = index[d];
                n++;
            }
            for (var d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        context.SetOutput(0, output);
    }
}
