using System.Numerics;
using Compression.Evaluation.Execution;
using Compression.Onnx.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

internal enum ScatterReductionKind { None, Add, Mul, Max, Min }

/// <summary>
/// The <c>reduction</c> attribute of ScatterND and ScatterElements (none; add and mul from 16; max and min from 18)
/// and the writes themselves. Updates are applied one at a time in row-major order of the indices, so duplicate
/// indices combine in a fixed order (with none, the last write wins, as in ONNX Runtime's sequential kernel).
/// </summary>
internal static class ScatterReduction
{
    public static ScatterReductionKind Parse(KernelContext context)
    {
        if (context.OperatorVersion < 16) return ScatterReductionKind.None;
        var name = context.Attributes.GetString("reduction", "none");
        return name switch
        {
            "none" => ScatterReductionKind.None,
            "add" => ScatterReductionKind.Add,
            "mul" => ScatterReductionKind.Mul,
            "max" when context.OperatorVersion >= 18 => ScatterReductionKind.Max,
            "min" when context.OperatorVersion >= 18 => ScatterReductionKind.Min,
            _ => throw context.Fail($"reduction '{name}' is not supported at version {context.OperatorVersion}"),
        };
    }

    /// <summary>
    /// Copies data to output, then writes update slice u (length <paramref name="slice"/>, at u·slice in the updates)
    /// into the output at targets[u], combining by <paramref name="kind"/>.
    /// </summary>
    public static void Apply(Array data, Array updates, Array output, int[] targets, int slice, ScatterReductionKind kind, KernelContext context)
    {
        Array.Copy(data, output, data.Length);
        if (kind == ScatterReductionKind.None)
        {
            ElementDispatch.Run(updates, output, new Overwrite(targets, slice));
            return;
        }
        switch (output)
        {
            case float[] y: Combine((float[])updates, y, targets, slice, kind); break;
            case double[] y: Combine((double[])updates, y, targets, slice, kind); break;
            case Half[] y: Combine((Half[])updates, y, targets, slice, kind); break;
            case sbyte[] y: Combine((sbyte[])updates, y, targets, slice, kind); break;
            case byte[] y: Combine((byte[])updates, y, targets, slice, kind); break;
            case short[] y: Combine((short[])updates, y, targets, slice, kind); break;
            case ushort[] y: Combine((ushort[])updates, y, targets, slice, kind); break;
            case int[] y: Combine((int[])updates, y, targets, slice, kind); break;
            case uint[] y: Combine((uint[])updates, y, targets, slice, kind); break;
            case long[] y: Combine((long[])updates, y, targets, slice, kind); break;
            case ulong[] y: Combine((ulong[])updates, y, targets, slice, kind); break;
            case BFloat16[]: throw context.Fail("bfloat16 scatter with a reduction is not supported");
            default: throw context.Fail($"reduction {kind} needs a numeric element type, not {output.GetType().GetElementType()!.Name}");
        }
    }

    private static void Combine<T>(T[] u, T[] y, int[] targets, int slice, ScatterReductionKind kind) where T : INumber<T>
    {
        for (var t = 0; t < targets.Length; t++)
        {
            var at = targets[t];
            var from = t * slice;
            for (var i = 0; i < slice; i++)
            {
                ref var target = ref y[at + i];
                var v = u[from + i];
                target = kind switch
                {
                    ScatterReductionKind.Add => target + v,
                    ScatterReductionKind.Mul => target * v,
                    ScatterReductionKind.Max => T.Max(target, v),
                    _ => T.Min(target, v),
                };
            }
        }
    }

    private readonly struct Overwrite(int[] targets, int slice) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            if (slice == 1)
                for (var t = 0; t < targets.Length; t++) destination[targets[t]] = source[t];
            else
                for (var t = 0; t < targets.Length; t++) Array.Copy(source, t * slice, destination, targets[t], slice);
        }
    }
}
