using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.OpsetConversion;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Quantization;

/// <summary>
/// A quantization form that needs operators of a later opset raises the model with the opset converter; a model that
/// cannot be raised gets int8-weight instead (which works at the opset it has) with a coded warning — never a refused
/// build and never a silently different mode.
/// </summary>
public static class OpsetRequirement
{
    /// <summary>
    /// Raises the context's model to <paramref name="minimum"/> when it is lower. Returns false, after recording the
    /// fallback to <paramref name="weightOnly"/> with <paramref name="code"/>, when the converter refuses.
    /// </summary>
    public static bool Raise(CompressionContext context, long minimum, Recipe weightOnly, string code, string why)
    {
        if (context.DefaultOpset >= minimum) return true;
        try
        {
            OpsetConverter.Convert(context.Model, minimum, context.Original.SourcePath);
            return true;
        }
        catch (CompressionException e) when (e.Code == EngineErrorCodes.OpsetConversionUnsupported)
        {
            context.FallBack(weightOnly with { Quantization = QuantizationMode.Int8Weight }, code,
                $"{why} needs opset {minimum}: {e.Message}; the weights were quantized to int8 (int8-weight) instead.");
            return false;
        }
    }
}
