using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>HardSwish: x · max(0, min(1, x/6 + 1/2)), with 1/6 as a float multiplier as ONNX Runtime does.</summary>
internal struct HardSwishOperation : IUnaryOperation
{
    public static float Apply(float x, UnaryParameters p) => x * HardSigmoidOperation.Clamp01(x * (1f / 6f) + 0.5f);

    public static double Apply(double x, UnaryParameters p) => x * HardSigmoidOperation.Clamp01(x * (1.0 / 6.0) + 0.5);

    public static bool VectorizesFloat => true;

    public static Vector256<float> Apply(Vector256<float> x, UnaryParameters p) =>
        x * HardSigmoidOperation.Clamp01(x * Vector256.Create(1f / 6f) + Vector256.Create(0.5f));
}
