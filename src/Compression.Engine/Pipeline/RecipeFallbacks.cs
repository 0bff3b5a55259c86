using Compression.Engine.Recipes;

namespace Compression.Engine.Pipeline;

/// <summary>
/// Recipe choices that cannot run with what the item provides, replaced before any work by what can — with a coded
/// warning, never silently: static int8 without calibration data becomes int8-weight (MCB2102). Done before the cache
/// lookup, so the key, the recorded recipe and the output all describe what really ran.
/// </summary>
public static class RecipeFallbacks
{
    public static (Recipe Recipe, EngineWarning? Warning) Apply(Recipe recipe, string? calibrationData)
    {
        if (recipe.Quantization == QuantizationMode.Int8 && string.IsNullOrEmpty(calibrationData))
        {
            return (recipe with { Quantization = QuantizationMode.Int8Weight }, new EngineWarning(EngineErrorCodes.NoCalibrationData,
                "static int8 needs CalibrationData (a folder of sample inputs, see docs/calibration.md) to choose activation ranges; the weights were quantized to int8 (int8-weight) instead."));
        }
        return (recipe, null);
    }
}
