using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Numerics;

namespace Compression.Evaluation.Kernels.Recurrent;

/// <summary>The activation functions the recurrent operators accept by name (case-insensitive, as ONNX Runtime).</summary>
internal enum RecurrentActivationKind
{
    Relu,
    Tanh,
    Sigmoid,
    Affine,
    LeakyRelu,
    ThresholdedRelu,
    ScaledTanh,
    HardSigmoid,
    Elu,
    Softsign,
    Softplus,
}

/// <summary>
/// One activation of a recurrent cell with its alpha and beta. Applied to a whole gate vector at once, so the choice of
/// function is made once per vector rather than per element. Transcendentals go through <see cref="DeterministicMath"/>
/// (computed in double, rounded once to float).
/// </summary>
internal readonly record struct RecurrentActivation(RecurrentActivationKind Kind, float Alpha, float Beta)
{
    /// <summary>
    /// The activations of a node: <paramref name="names"/> (or the defaults, repeated for each direction) with
    /// activation_alpha/activation_beta consumed in order by the functions that take them, and ONNX's defaults for the
    /// corresponding operators (LeakyRelu 0.01, ThresholdedRelu 1, HardSigmoid 0.2/0.5, Elu 1, Affine and ScaledTanh 1/0
    /// and 1/1) when the lists run out.
    /// </summary>
    public static RecurrentActivation[] Read(string[]? names, float[]? alphas, float[]? betas, string[] defaults,
        int directions, Func<string, Exception> fail)
    {
        var expected = defaults.Length * directions;
        names ??= Enumerable.Range(0, directions).SelectMany(_ => defaults).ToArray();
        // A single direction's list serves both directions when the model gives only that many (ONNX Runtime accepts it).
        if (names.Length == defaults.Length && directions == 2) names = [.. names, .. names];
        if (names.Length != expected)
            throw fail($"activations has {names.Length} functions, expected {expected}");
        var result = new RecurrentActivation[names.Length];
        int nextAlpha = 0, nextBeta = 0;
        for (var i = 0; i < names.Length; i++)
        {
            var kind = Parse(names[i]) ?? throw fail($"activation '{names[i]}' is not supported");
            var (defaultAlpha, defaultBeta, takesAlpha, takesBeta) = kind switch
            {
                RecurrentActivationKind.Affine => (1f, 0f, true, true),
                RecurrentActivationKind.LeakyRelu => (0.01f, 0f, true, false),
                RecurrentActivationKind.ThresholdedRelu => (1f, 0f, true, false),
                RecurrentActivationKind.ScaledTanh => (1f, 1f, true, true),
                RecurrentActivationKind.HardSigmoid => (0.2f, 0.5f, true, true),
                RecurrentActivationKind.Elu => (1f, 0f, true, false),
                _ => (0f, 0f, false, false),
            };
            var alpha = takesAlpha && alphas is not null && nextAlpha < alphas.Length ? alphas[nextAlpha++] : defaultAlpha;
            var beta = takesBeta && betas is not null && nextBeta < betas.Length ? betas[nextBeta++] : defaultBeta;
            result[i] = new RecurrentActivation(kind, alpha, beta);
        }
        return result;
    }

    private static RecurrentActivationKind? Parse(string name) => name.ToLowerInvariant() switch
    {
        "relu" => RecurrentActivationKind.Relu,
        "tanh" => RecurrentActivationKind.Tanh,
        "sigmoid" => RecurrentActivationKind.Sigmoid,
        "affine" => RecurrentActivationKind.Affine,
        "leakyrelu" => RecurrentActivationKind.LeakyRelu,
        "thresholdedrelu" => RecurrentActivationKind.ThresholdedRelu,
        "scaledtanh" => RecurrentActivationKind.ScaledTanh,
        "hardsigmoid" => RecurrentActivationKind.HardSigmoid,
        "elu" => RecurrentActivationKind.Elu,
        "softsign" => RecurrentActivationKind.Softsign,
        "softplus" => RecurrentActivationKind.Softplus,
        _ => null,
    };

    /// <summary>Replaces each element of <paramref name="values"/> by its activation.</summary>
    public void Apply(Span<float> values)
    {
        float a = Alpha, b = Beta;
        switch (Kind)
        {
            case RecurrentActivationKind.Relu:
                for (var i = 0; i < values.Length; i++) values[i] = values[i] > 0f ? values[i] : 0f;
                break;
            case RecurrentActivationKind.Tanh:
                for (var i = 0; i < values.Length; i++) values[i] = DeterministicMath.Tanh(values[i]);
                break;
            case RecurrentActivationKind.Sigmoid:
                for (var i = 0; i < values.Length; i++) values[i] = DeterministicMath.Sigmoid(values[i]);
                break;
            case RecurrentActivationKind.Affine:
                for (var i = 0; i < values.Length; i++) values[i] = a * values[i] + b;
                break;
            case RecurrentActivationKind.LeakyRelu:
                for (var i = 0; i < values.Length; i++) values[i] = values[i] >= 0f ? values[i] : a * values[i];
                break;
            case RecurrentActivationKind.ThresholdedRelu:
                for (var i = 0; i < values.Length; i++) values[i] = values[i] > a ? values[i] : 0f;
                break;
            case RecurrentActivationKind.ScaledTanh:
                for (var i = 0; i < values.Length; i++) values[i] = a * DeterministicMath.Tanh(b * values[i]);
                break;
            case RecurrentActivationKind.HardSigmoid:
                for (var i = 0; i < values.Length; i++) values[i] = Math.Min(Math.Max(a * values[i] + b, 0f), 1f);
                break;
            case RecurrentActivationKind.Elu:
                for (var i = 0; i < values.Length; i++) values[i] = values[i] >= 0f ? values[i] : a * DeterministicMath.Expm1(values[i]);
                break;
            case RecurrentActivationKind.Softsign:
                for (var i = 0; i < values.Length; i++) values[i] = values[i] / (1f + Math.Abs(values[i]));
                break;
            case RecurrentActivationKind.Softplus:
                for (var i = 0; i < values.Length; i++) values[i] = SoftplusOperation.Apply(values[i], default);
                break;
        }
    }
}
