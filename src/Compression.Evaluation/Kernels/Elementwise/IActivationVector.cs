using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Eight lanes of a float activation whose two parameters arrive already broadcast (HardSigmoid's alpha and beta,
/// Clip's bounds, BatchNormalization's per-channel scale and shift; Relu ignores both). The standalone kernel and
/// Conv's fused epilogue call this one body, so a fused run cannot drift from the kernel it stands in for.
/// </summary>
internal interface IActivationVector
{
    static abstract Vector256<float> Apply(Vector256<float> x, Vector256<float> p, Vector256<float> q);
}
