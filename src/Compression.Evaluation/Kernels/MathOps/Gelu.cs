using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.MathOps;

/// <summary>
/// Gelu (20): approximate = "none" gives x·Φ(x) = ½x(1 + erf(x/√2)); "tanh" gives ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
/// Both are computed in double with <see cref="DeterministicMath"/> and rounded once to the element type.
/// </summary>
internal sealed class Gelu : IKernel
{
    private static readonly UnaryKernel<GeluErfOperation> Exact = new();
    private static readonly UnaryKernel<GeluTanhOperation> Tanh = new();

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        Choose(context.Attributes.GetString("approximate", "none"), context.Fail);
        return Exact.Infer(context);
    }

    public void Execute(KernelContext context) =>
        Choose(context.Attributes.GetString("approximate", "none"), context.Fail).Execute(context);

    private static IKernel Choose(string approximate, Func<string, Exception> fail) => approximate switch
    {
        "none" => Exact,
        "tanh" => Tanh,
        _ => throw fail($"approximate '{approximate}' is not valid (none or tanh)"),
    };
}

/// <summary>½x(1 + erf(x/√2)).</summary>
internal struct GeluErfOperation : IUnaryOperation
{
    private const double InvSqrt2 = 0.70710678118654752440;

    public static float Apply(float x, UnaryParameters p) => (float)Apply((double)x, p);

    public static double Apply(double x, UnaryParameters p) => 0.5 * x * (1.0 + DeterministicMath.Erf(x * InvSqrt2));
}

/// <summary>½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
internal struct GeluTanhOperation : IUnaryOperation
{
    private const double SqrtTwoOverPi = 0.79788456080286535588;

    public static float Apply(float x, UnaryParameters p) => (float)Apply((double)x, p);

    public static double Apply(double x, UnaryParameters p) =>
        0.5 * x * (1.0 + DeterministicMath.Tanh(SqrtTwoOverPi * (x + 0.044715 * x * x * x)));
}
