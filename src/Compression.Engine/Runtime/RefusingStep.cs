using Compression.Engine.Pipeline;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Runtime;

/// <summary>
/// Which step of a plan made a model ONNX Runtime refuses: the plan is replayed over a fresh copy of the original,
/// the model checked after each step that changes it, and the first refused output names its step ("step 2. fp16:
/// ..."); when ORT refuses the original itself, no step is to blame.
/// </summary>
internal static class RefusingStep
{
    /// <summary>The step (its 1-based number and line as the plan prints it) and ORT's message; Number 0 is the original model.</summary>
    public sealed record Finding(int Number, string Step, string Message)
    {
        public bool IsOriginal => Number == 0;

        /// <summary>"the original model" or "step 2. fp16: ...".</summary>
        public string Describe() => IsOriginal ? "the original model" : $"step {Step}";
    }

    /// <param name="refusal">ORT's message for a model it refuses, null for one it accepts.</param>
    /// <returns>The first refused model's step; null when no step's output is refused (the refusal lies elsewhere).</returns>
    public static Finding? Find(CompressionJob job, CompressionPlan plan, Func<ModelProto, string?> refusal)
    {
        if (refusal(job.Model.Proto) is { } original) return new Finding(0, "", original);
        var context = new CompressionContext(job.Model, plan.Recipe) { CalibrationData = job.CalibrationData, Threads = job.Threads };
        var lines = plan.Describe();
        Finding? found = null;
        plan.Run(context, index =>
        {
            if (refusal(context.Model) is not { } message) return true;
            found = new Finding(index + 1, lines[index], message);
            return false;
        });
        return found;
    }
}
