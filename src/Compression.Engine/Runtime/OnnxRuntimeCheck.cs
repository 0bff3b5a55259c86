using Compression.Evaluation.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Compression.Engine.Runtime;

/// <summary>
/// Whether ONNX Runtime accepts a model: loads it in a session (CPU provider, default graph optimizations, as an app
/// gets it) and runs it on every sample. The answer is null, or ORT's own message.
/// </summary>
internal static class OnnxRuntimeCheck
{
    /// <summary>What ORT said: null when it loaded and ran the model, else its message and whether loading already failed.</summary>
    public sealed record Verdict(bool AtLoad, string Message);

    public static string? Refusal(byte[] model, IReadOnlyList<Dictionary<string, Tensor>> samples) => Check(model, samples)?.Message;

    public static Verdict? Check(byte[] model, IReadOnlyList<Dictionary<string, Tensor>> samples)
    {
        OrtModelSession session;
        try
        {
            session = new OrtModelSession(model, samples);
        }
        catch (OnnxRuntimeException e)
        {
            return new Verdict(true, e.Message);
        }
        using (session)
        {
            try
            {
                for (var i = 0; i < session.Samples; i++) session.Run(i);
                return null;
            }
            catch (OnnxRuntimeException e)
            {
                return new Verdict(false, e.Message);
            }
        }
    }
}
