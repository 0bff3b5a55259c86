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
            // The options only static int8 reads go back to their defaults, so the fallback is exactly the int8-weight
            // recipe (one cache entry, one recorded recipe, whichever profile fell back).
            var weightOnly = recipe with
            {
                Quantization = QuantizationMode.Int8Weight,
                ActivationType = Recipe.Identity.ActivationType,
                CalibrationMethod = Recipe.Identity.CalibrationMethod,
                ReduceRange = Recipe.Identity.ReduceRange,
            };
            return (weightOnly, new EngineWarning(EngineErrorCodes.NoCalibrationData,
                "static int8 needs CalibrationData (a folder of sample inputs, see docs/calibration.md) to choose activation ranges; the weights were quantized to int8 (int8-weight) instead."));
        }
        return (recipe, null);
    }
}
