using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Moves elements of one type from a source array to a destination array; a struct so each type is specialised.</summary>
internal interface IElementMove
{
    void Run<T>(T[] source, T[] destination);
}

/// <summary>
/// Calls a generic data-movement body with the arrays typed as their real element type, so kernels that only copy
/// (Transpose, Gather, Slice, ...) serve every element type with one method and no per-element type tests.
/// </summary>
internal static class ElementDispatch
{
    public static void Run<TMove>(Array source, Array destination, TMove move) where TMove : struct, IElementMove
    {
        switch (source)
        {
            case float[] s: move.Run(s, (float[])destination); break;
            case double[] s: move.Run(s, (double[])destination); break;
            case Half[] s: move.Run(s, (Half[])destination); break;
            case BFloat16[] s: move.Run(s, (BFloat16[])destination); break;
            case sbyte[] s: move.Run(s, (sbyte[])destination); break;
            case byte[] s: move.Run(s, (byte[])destination); break;
            case short[] s: move.Run(s, (short[])destination); break;
            case ushort[] s: move.Run(s, (ushort[])destination); break;
            case int[] s: move.Run(s, (int[])destination); break;
            case uint[] s: move.Run(s, (uint[])destination); break;
            case long[] s: move.Run(s, (long[])destination); break;
            case ulong[] s: move.Run(s, (ulong[])destination); break;
            case bool[] s: move.Run(s, (bool[])destination); break;
            case string[] s: move.Run(s, (string[])destination); break;
            default: throw new NotSupportedException($"arrays of {source.GetType().Name} are not executor tensors");
        }
    }
}
