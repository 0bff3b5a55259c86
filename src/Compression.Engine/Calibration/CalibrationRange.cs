using Compression.Engine.Recipes;

namespace Compression.Engine.Calibration;

/// <summary>
/// The calibrated range of one activation: the real values its quantized form must represent. Values outside are
/// clipped by QuantizeLinear; a method other than MinMax chooses to clip a few rare extremes for finer steps elsewhere.
/// Min ≤ Max always; the range need not hold zero (the scale helpers widen it, as ONNX Runtime does).
/// </summary>
internal readonly record struct CalibrationRange(float Min, float Max)
{
    /// <summary>uint8 asymmetric parameters for this range (see <see cref="QuantizationParameters"/>).</summary>
    public QuantizationParameters UInt8Asymmetric(bool reduceRange = false) => QuantizationParameters.UInt8Asymmetric(Min, Max, reduceRange);

    /// <summary>int8 symmetric parameters for this range (see <see cref="QuantizationParameters"/>).</summary>
    public QuantizationParameters Int8Symmetric(bool reduceRange = false) => QuantizationParameters.Int8Symmetric(Min, Max, reduceRange);

    /// <summary>The parameters for the recipe's activation type: uint8 asymmetric, or int8 symmetric.</summary>
    public QuantizationParameters For(ActivationType type, bool reduceRange = false) =>
        type == ActivationType.Int8 ? Int8Symmetric(reduceRange) : UInt8Asymmetric(reduceRange);
}
