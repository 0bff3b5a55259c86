using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// PRelu: x for x &gt; 0, slope·x otherwise, the slope broadcast to X's shape (unidirectionally; the output has X's
/// shape). Version 6 predates that rule and means a 1-D slope of X's channel count per channel (axis 1), as the
/// PyTorch exports of that time rely on; such a slope is seen as [C, 1, …, 1].
/// </summary>
internal sealed class PRelu : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        return [new ValueInfo(x?.ElementType ?? DataType.Undefined, x?.Shape)];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var slope = context.Input(1);
        if (x.ElementType != slope.ElementType)
            throw context.Fail($"X and slope have different element types ({x.ElementType} and {slope.ElementType})");
        var slopeShape = SlopeShape(context, x.Shape, slope.Shape);
        var output = context.Allocate(x.ElementType, x.Shape);
        var p = context.Parallelism;
        switch (x.ElementType)
        {
            case DataType.Float: Run<float>(x, slope, slopeShape, output, p); break;
            case DataType.Double: Run<double>(x, slope, slopeShape, output, p); break;
            case DataType.Float16: Run<Half>(x, slope, slopeShape, output, p); break;
            case DataType.Bfloat16:
            {
                var result = new float[output.Length];
                BinaryLoop.Run<float, float, float, PReluFunction<float>>(FloatData.Of(x), x.Shape, FloatData.Of(slope),
                    slopeShape, result, x.Shape, p);
                FloatData.Store(result, output);
                break;
            }
            case DataType.Int32: Run<int>(x, slope, slopeShape, output, p); break;
            case DataType.Int64: Run<long>(x, slope, slopeShape, output, p); break;
            case DataType.Uint32: Run<uint>(x, slope, slopeShape, output, p); break;
            case DataType.Uint64: Run<ulong>(x, slope, slopeShape, output, p); break;
            default: throw context.Fail($"element type {x.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private static int[] SlopeShape(KernelContext context, int[] x, int[] slope)
    {
        if (IsUnidirectional(x, slope)) return slope;
        if (context.OperatorVersion < 7 && slope.Length == 1 && x.Length >= 2 && slope[0] == x[1])
        {
            var shape = new int[x.Length - 1];
            Array.Fill(shape, 1);
            shape[0] = slope[0];
            return shape;
        }
        throw context.Fail($"slope {ShapeMath.Format(slope)} does not broadcast to X {ShapeMath.Format(x)}");
    }

    private static bool IsUnidirectional(int[] x, int[] slope) =>
        slope.Length <= x.Length && ShapeMath.Broadcast(x, slope) is { } b && b.AsSpan().SequenceEqual(x);

    private static void Run<T>(Tensor x, Tensor slope, int[] slopeShape, Tensor output, Parallelism p) where T : INumber<T> =>
        BinaryLoop.Run<T, T, T, PReluFunction<T>>((T[])x.Data, x.Shape, (T[])slope.Data, slopeShape, (T[])output.Data,
            output.Shape, p);
}

internal struct PReluFunction<T> : IBinaryFunction<T, T, T> where T : INumber<T>
{
    public static T Apply(T x, T slope) => x > T.Zero ? x : x * slope;
}
