using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Numerics;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Activation;

/// <summary>
/// Softmax and LogSoftmax over float data. Versions 1 and 11 flatten the input to 2-D at 'axis' (default 1) and
/// normalise each row of the flattened width; version 13 normalises along the single axis 'axis' (default −1).
/// Each slice: max, then e^(x − max) in double, summed in double in ascending order, then one rounding to float.
/// </summary>
internal static class SoftmaxCore
{
    public static IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        return [new ValueInfo(x?.ElementType ?? DataType.Undefined, x?.Shape)];
    }

    public static void Execute(KernelContext context, bool log)
    {
        var x = context.Input(0);
        if (x.ElementType != DataType.Float) throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        var rank = x.Rank;
        var modern = context.OperatorVersion >= 13;
        var axisAttr = context.Attributes.GetInt("axis", modern ? -1 : 1);
        int axis;
        try
        {
            // Opset 1 allowed axis == rank (a flatten with an empty inner part); treat it like the 2-D coercion does.
            axis = !modern && axisAttr == rank ? rank : ShapeMath.NormalizeAxis(axisAttr, rank);
        }
        catch (ArgumentException e)
        {
            throw context.Fail(e.Message);
        }
        int outer = 1, length = 1, inner = 1;
        for (var i = 0; i < rank; i++)
        {
            if (i < axis) outer *= x.Shape[i];
            else if (modern && i > axis) inner *= x.Shape[i];
            else length *= x.Shape[i];
        }
        var y = context.Allocate(DataType.Float, x.Shape);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        if (y.Length > 0)
            context.Parallelism.For(outer * inner, slice =>
            {
                var o = slice / inner;
                var i = slice % inner;
                Slice(xs, ys, o * length * inner + i, inner, length, log);
            }, length * 8L);
        context.SetOutput(0, y);
    }

    private static void Slice(float[] x, float[] y, int start, int step, int length, bool log)
    {
        var max = float.NegativeInfinity;
        for (int j = 0, p = start; j < length; j++, p += step)
            if (x[p] > max) max = x[p];
        if (float.IsNegativeInfinity(max)) max = 0f;
        var sum = 0.0;
        for (int j = 0, p = start; j < length; j++, p += step)
            sum += DeterministicMath.Exp((double)x[p] - max);
        if (log)
        {
            var logSum = DeterministicMath.Log(sum);
            for (int j = 0, p = start; j < length; j++, p += step)
                y[p] = (float)((double)x[p] - max - logSum);
        }
        else
        {
            for (int j = 0, p = start; j < length; j++, p += step)
                y[p] = (float)(DeterministicMath.Exp((double)x[p] - max) / sum);
        }
    }
}
