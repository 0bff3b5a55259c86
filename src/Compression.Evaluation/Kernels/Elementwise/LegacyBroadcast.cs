using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// The broadcasting of binary operators before opset 7: with broadcast=1, B is broadcast to A's shape, its axes placed
/// at 'axis' of A (by default aligned to A's last axes); with broadcast=0 the shapes must be equal. Expressed as the
/// NumPy broadcast of A with B reshaped (trailing 1s appended), so the modern loops serve both.
/// </summary>
internal static class LegacyBroadcast
{
    /// <summary>B's shape as seen by NumPy broadcasting, or B's own shape when the node uses modern semantics.</summary>
    public static int[] ShapeOfB(KernelContext context, int[] a, int[] b)
    {
        if (context.OperatorVersion >= 7 || context.Attributes.GetInt("broadcast", 0) == 0)
        {
            if (context.OperatorVersion < 7 && !a.AsSpan().SequenceEqual(b))
                throw context.Fail($"without broadcast=1, shapes {Tensors.ShapeMath.Format(a)} and {Tensors.ShapeMath.Format(b)} must be equal");
            return b;
        }
        var axis = context.Attributes.Has("axis") ? (int)context.Attributes.GetInt("axis") : a.Length - b.Length;
        if (axis < 0) axis += a.Length;
        if (axis < 0 || axis + b.Length > a.Length)
            throw context.Fail($"B of rank {b.Length} cannot be broadcast at axis {axis} of rank {a.Length}");
        var shape = new int[a.Length - axis];
        Array.Fill(shape, 1);
        b.CopyTo(shape, 0);
        return shape;
    }

    /// <summary>Whether the node broadcasts with the pre-7 rule (its output then has A's shape).</summary>
    public static bool IsLegacy(InferenceContext context) =>
        context.OperatorVersion < 7 && context.Attributes.GetInt("broadcast", 0) != 0;
}
