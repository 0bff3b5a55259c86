using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Numerics;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Pow(X, Y): X^Y with broadcasting (before version 7, the legacy broadcast attribute); the output has X's type. From
/// version 12 the exponent may have another numeric type. Computed as ONNX Runtime does: C pow in double for each pair
/// (<see cref="DeterministicMath.Pow(double, double)"/>, rounded once to the base type; integer bases truncate), except
/// that a scalar exponent of exactly 2 or 3 is x·x or x·x·x in the base type, ONNX Runtime's shortcut.
/// </summary>
internal sealed class Pow : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var y = context.Input(1);
        var type = x?.ElementType ?? DataType.Undefined;
        if (LegacyBroadcast.IsLegacy(context)) return [new ValueInfo(type, x?.Shape)];
        return [new ValueInfo(type, Broadcasting.Infer(x?.Shape, y?.Shape))];
    }

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var y = context.Input(1);
        if (context.OperatorVersion < 12 && x.ElementType != y.ElementType)
            throw context.Fail($"X and Y have different element types ({x.ElementType} and {y.ElementType})");
        var shapeY = LegacyBroadcast.ShapeOfB(context, x.Shape, y.Shape);
        var shape = ShapeMath.Broadcast(x.Shape, shapeY)
            ?? throw context.Fail($"shapes {ShapeMath.Format(x.Shape)} and {ShapeMath.Format(y.Shape)} do not broadcast");
        var output = context.Allocate(x.ElementType, shape);
        var job = new Job(x, y, shapeY, output, context.Parallelism);
        switch (y.ElementType)
        {
            case DataType.Float: job.WithExponent((float[])y.Data, context); break;
            case DataType.Double: job.WithExponent((double[])y.Data, context); break;
            case DataType.Float16 or DataType.Bfloat16: job.WithExponent(FloatData.Of(y), context); break;
            case DataType.Int8: job.WithExponent((sbyte[])y.Data, context); break;
            case DataType.Uint8: job.WithExponent((byte[])y.Data, context); break;
            case DataType.Int16: job.WithExponent((short[])y.Data, context); break;
            case DataType.Uint16: job.WithExponent((ushort[])y.Data, context); break;
            case DataType.Int32: job.WithExponent((int[])y.Data, context); break;
            case DataType.Uint32: job.WithExponent((uint[])y.Data, context); break;
            case DataType.Int64: job.WithExponent((long[])y.Data, context); break;
            case DataType.Uint64: job.WithExponent((ulong[])y.Data, context); break;
            default: throw context.Fail($"exponent type {y.ElementType} is not supported");
        }
        context.SetOutput(0, output);
    }

    private readonly record struct Job(Tensor X, Tensor Y, int[] ShapeY, Tensor Output, Parallelism Parallelism)
    {
        public void WithExponent<E>(E[] y, KernelContext context) where E : INumber<E>
        {
            // ONNX Runtime's shortcut for a scalar exponent of 2 or 3.
            var power = Y.Length == 1 ? double.CreateTruncating(y[0]) : 0.0;
            switch (X.ElementType)
            {
                case DataType.Float: Run<float, E, FloatPow<E>>((float[])X.Data, y, (float[])Output.Data, power); break;
                case DataType.Double: Run<double, E, DoublePow<E>>((double[])X.Data, y, (double[])Output.Data, power); break;
                case DataType.Float16 or DataType.Bfloat16:
                {
                    var result = new float[Output.Length];
                    Run<float, E, FloatPow<E>>(FloatData.Of(X), y, result, power);
                    FloatData.Store(result, Output);
                    break;
                }
                case DataType.Int32: Run<int, E, IntegerPow<int, E>>((int[])X.Data, y, (int[])Output.Data, power); break;
                case DataType.Int64: Run<long, E, IntegerPow<long, E>>((long[])X.Data, y, (long[])Output.Data, power); break;
                default: throw context.Fail($"base type {X.ElementType} is not supported");
            }
        }

        private void Run<T, E, TOp>(T[] x, E[] y, T[] r, double power)
            where T : INumber<T> where E : INumber<E> where TOp : struct, IBinaryFunction<T, E, T>
        {
            if (power == 2)
                BinaryLoop.Run<T, E, T, Square<T, E>>(x, X.Shape, y, ShapeY, r, Output.Shape, Parallelism);
            else if (power == 3)
                BinaryLoop.Run<T, E, T, Cube<T, E>>(x, X.Shape, y, ShapeY, r, Output.Shape, Parallelism);
            else
                BinaryLoop.Run<T, E, T, TOp>(x, X.Shape, y, ShapeY, r, Output.Shape, Parallelism);
        }
    }

    private struct FloatPow<E> : IBinaryFunction<float, E, float> where E : INumber<E>
    {
        public static float Apply(float x, E y) => (float)DeterministicMath.Pow(x, double.CreateTruncating(y));
    }

    private struct DoublePow<E> : IBinaryFunction<double, E, double> where E : INumber<E>
    {
        public static double Apply(double x, E y) => DeterministicMath.Pow(x, double.CreateTruncating(y));
    }

    /// <summary>Integer bases: pow in double, truncated toward zero (saturating outside the type's range).</summary>
    private struct IntegerPow<T, E> : IBinaryFunction<T, E, T> where T : INumber<T> where E : INumber<E>
    {
        public static T Apply(T x, E y) =>
            T.CreateSaturating(DeterministicMath.Pow(double.CreateTruncating(x), double.CreateTruncating(y)));
    }

    private struct Square<T, E> : IBinaryFunction<T, E, T> where T : INumber<T>
    {
        public static T Apply(T x, E y) => x * x;
    }

    private struct Cube<T, E> : IBinaryFunction<T, E, T> where T : INumber<T>
    {
        public static T Apply(T x, E y) => x * x * x;
    }
}
