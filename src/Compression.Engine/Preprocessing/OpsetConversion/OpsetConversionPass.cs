using Compression.Engine.Pipeline;
using Compression.Onnx.Editing;

namespace Compression.Engine.Preprocessing.OpsetConversion;

/// <summary>
/// The plan's opset step: raises the working model to the opset a later pass writes operators of. The planner checked
/// that the converter takes this model (else it planned a fallback instead), so a refusal here is an internal error.
/// </summary>
internal sealed class OpsetConversionPass(long target) : ICompressionPass
{
    public string Name => "convert-opset";

    public PassReport Apply(CompressionContext context)
    {
        var bytes = ConstantBytes.Of(context.Model);
        var result = OpsetConverter.Convert(context.Model, target, context.Original.SourcePath);
        return new PassReport(Name, result.NodesConverted, bytes, ConstantBytes.Of(context.Model),
            [$"opset {result.From} → {result.To}: {result.NodesConverted} node(s) converted"]);
    }
}
