using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Kernels.Elementwise;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// One element of inference-mode <see cref="BatchNormalization"/> once its statistics are folded per channel: fma(x,
/// scale, shift), one rounding. Conv's fused epilogue applies a following BatchNormalization through this same body.
/// </summary>
internal struct AffineOperation : IActivationVector
{
    public static float Apply(float x, float scale, float shift) => MathF.FusedMultiplyAdd(x, scale, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> x, Vector256<float> scale, Vector256<float> shift) =>
        Vector256.FusedMultiplyAdd(x, scale, shift);
}
