using Compression.Evaluation.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Compression.Engine.Runtime;

/// <summary>
/// Whether ONNX Runtime accepts a model: loads it in a session (CPU provider, default graph optimizations, as an app
/// gets it) and runs it on every sample. The answer is null, or ORT's own message.
/// </summary>
internal static class OnnxRuntimeCheck
{
    public static string? Refusal(byte[] model, IReadOnlyList<Dictionary<string, Tensor>> samples)
    {
        try
        {
            using var session = new OrtModelSession(model, samples);
            for (var i = 0; i < session.Samples; i++) session.Run(i);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return e.Message;
        }
    }
}
