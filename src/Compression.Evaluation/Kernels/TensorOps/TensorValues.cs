using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Reading small integer and float operands (shapes, axes, pads, scales) whatever their element type.</summary>
internal static class TensorValues
{
    /// <summary>The elements of an integer tensor as longs; null for a non-integer tensor.</summary>
    public static long[]? Longs(Tensor? tensor)
    {
        if (tensor is null) return null;
        var result = new long[tensor.Length];
        switch (tensor.Data)
        {
            case long[] a: Array.Copy(a, result, tensor.Length); break;
            case int[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case short[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case sbyte[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case byte[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case ushort[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case uint[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case ulong[] a: for (var i = 0; i < result.Length; i++) result[i] = unchecked((long)a[i]); break;
            default: return null;
        }
        return result;
    }

    /// <summary>The elements of a tensor as doubles (floating or integer types).</summary>
    public static double[]? Doubles(Tensor? tensor)
    {
        if (tensor is null) return null;
        var result = new double[tensor.Length];
        switch (tensor.Data)
        {
            case float[] a: for (var i = 0; i < result.Length; i++) result[i] = a[i]; break;
            case double[] a: Array.Copy(a, result, tensor.Length); break;
            case Half[] a: for (var i = 0; i < result.Length; i++) result[i] = (double)a[i]; break;
            case BFloat16[] a: for (var i = 0; i < result.Length; i++) result[i] = (float)a[i]; break;
            default:
                var longs = Longs(tensor);
                if (longs is null) return null;
                for (var i = 0; i < result.Length; i++) result[i] = longs[i];
                break;
        }
        return result;
    }

    /// <summary>An integer input as longs when the node runs; a missing input is null.</summary>
    public static long[]? Longs(KernelContext context, int index) =>
        context.OptionalInput(index) is { } t ? Longs(t) ?? throw context.Fail($"input {index} must be an integer tensor, not {t.ElementType}") : null;

    /// <summary>An integer input's values during inference, when constant.</summary>
    public static long[]? ConstantLongs(InferenceContext context, int index) =>
        context.HasInput(index) ? Longs(context.Input(index)?.Constant) : null;

    /// <summary>A one-element array of <paramref name="type"/> holding <paramref name="value"/> converted as a cast would.</summary>
    public static Array ScalarArray(DataType type, double value)
    {
        var array = ElementClrTypes.NewArray(type, 1);
        switch (array)
        {
            case float[] a: a[0] = (float)value; break;
            case double[] a: a[0] = value; break;
            case Half[] a: a[0] = (Half)value; break;
            case BFloat16[] a: a[0] = (BFloat16)(float)value; break;
            case sbyte[] a: a[0] = (sbyte)value; break;
            case byte[] a: a[0] = (byte)value; break;
            case short[] a: a[0] = (short)value; break;
            case ushort[] a: a[0] = (ushort)value; break;
            case int[] a: a[0] = (int)value; break;
            case uint[] a: a[0] = (uint)value; break;
            case long[] a: a[0] = (long)value; break;
            case ulong[] a: a[0] = (ulong)value; break;
            case bool[] a: a[0] = value != 0; break;
            case string[] a: a[0] = ""; break;
        }
        return array;
    }

    public static Dim[] ToDims(ReadOnlySpan<int> shape)
    {
        var dims = new Dim[shape.Length];
        for (var i = 0; i < dims.Length; i++) dims[i] = shape[i];
        return dims;
    }

    public static Dim[] Unknown(int rank)
    {
        var dims = new Dim[rank];
        Array.Fill(dims, Dim.Unknown);
        return dims;
    }

    /// <summary>The product of dimensions, or unknown when any is.</summary>
    public static Dim Product(ReadOnlySpan<Dim> dims)
    {
        long p = 1;
        foreach (var d in dims)
        {
            if (!d.IsKnown) return Dim.Unknown;
            p *= d.Value;
        }
        return p;
    }

    public static int[] Ints(long[] values)
    {
        var r = new int[values.Length];
        for (var i = 0; i < r.Length; i++) r[i] = checked((int)values[i]);
        return r;
    }
}
