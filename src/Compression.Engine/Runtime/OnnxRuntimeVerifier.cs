using Compression.Engine.Pipeline;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Engine.Runtime;

/// <summary>
/// The ONNX Runtime step of a compression, after the executor's measurements and before anything is saved: the
/// compressed model must load and run in ORT (else error MCB2301, naming ORT's message, its version and the step of
/// the plan that made the refused model), and ORT's latency is measured, original against compressed. Without a
/// loadable ORT the check is skipped with warning MCB2302 and the build goes on.
/// </summary>
internal static class OnnxRuntimeVerifier
{
    /// <summary>The report and the warnings to add to the result.</summary>
    public sealed record Outcome(OnnxRuntimeReport Report, IReadOnlyList<EngineWarning> Warnings);

    /// <param name="plan">The plan that made <paramref name="compressed"/> (replayed step by step when ORT refuses it).</param>
    /// <exception cref="CompressionException">MCB2301: ORT refuses the compressed model.</exception>
    public static Outcome Verify(CompressionJob job, CompressionPlan plan, OnnxModel compressed)
    {
        var options = job.OnnxRuntime;
        if (!options.Check) return new Outcome(new OnnxRuntimeReport("", "", false) { Note = options.OffNote, Machine = BuildMachine.Description }, []);
        var binding = OnnxRuntimeLoader.Load(options.Choice ?? OnnxRuntimeResolver.ForTool(null, "", HostPlatform.RuntimeIdentifier));
        var warnings = binding.Warning is { } w ? new List<EngineWarning> { w } : [];
        if (!binding.IsAvailable)
            return new Outcome(new OnnxRuntimeReport(binding.Version, binding.Source, false)
            {
                Note = $"ONNX Runtime check skipped: {binding.Unavailable}",
                Machine = BuildMachine.Description,
            }, warnings);

        var (samples, label) = CheckInputs.For(job.Model, job.ValidationData, job.CalibrationData);
        var bytes = Bytes(compressed);
        string? note = null;
        if (OnnxRuntimeCheck.Check(bytes, samples) is { } refusal)
        {
            var original = OnnxRuntimeCheck.Check(Bytes(job.Model), samples);
            // A run failure the original shares (inputs made up for a model whose dimensions they do not fit, say) is
            // no sign of the compression: the model loads, which is what ORT says about it here.
            if (refusal.AtLoad || original is null || original.AtLoad)
                throw Refused(job, plan, binding, refusal.Message, samples);
            note = $"ONNX Runtime loads the compressed model but cannot run it on the {label}, nor the original: {refusal.Message}";
        }

        OnnxRuntimeLatency? latency = null;
        if (note is null && options.MeasureLatency && samples.Count > 0)
        {
            try
            {
                latency = OrtLatency.Measure(Bytes(job.Model), bytes, samples[0]);
            }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
            {
                // The compressed model runs; the original may not (a model the opset conversion made loadable).
                note = $"latency not measured: ONNX Runtime cannot run the original model: {e.Message}";
            }
            catch (NotSupportedException e)
            {
                note = $"latency not measured: {e.Message}";
            }
        }
        return new Outcome(new OnnxRuntimeReport(binding.Version, binding.Source, true)
        {
            Note = note,
            Machine = BuildMachine.Description,
            Latency = latency,
        }, warnings);
    }

    /// <summary>
    /// Whether a cached result must be checked again (with the check on): it was not checked, or by another ORT than the
    /// current choice, or not timed where this compression times.
    /// </summary>
    public static bool NeedsRecheck(OnnxRuntimeReport? cached, OnnxRuntimeOptions options)
    {
        if (cached is null || !cached.Checked) return true;
        var binding = OnnxRuntimeLoader.Load(options.Choice ?? OnnxRuntimeResolver.ForTool(null, "", HostPlatform.RuntimeIdentifier));
        return !binding.IsAvailable || binding.Version != cached.Version || binding.Source != cached.Source
            || (options.MeasureLatency && cached.Latency is null);
    }

    /// <summary>
    /// A cached result as this compression would report it: checked again (and timed) when its report is not the
    /// current ORT's (<see cref="NeedsRecheck"/>), or with the check's note when the check is off.
    /// <paramref name="model"/> is the cached model as the app reads it (decoded when packed).
    /// </summary>
    /// <exception cref="CompressionException">MCB2301: the current ORT refuses the cached model.</exception>
    public static CompressionResult Recheck(CompressionJob job, CompressionResult cached, Func<OnnxModel> model)
    {
        if (job.OnnxRuntime.Check && !NeedsRecheck(cached.OnnxRuntime, job.OnnxRuntime)) return cached;
        var outcome = Verify(job, job.Plan, model());
        return cached with
        {
            OnnxRuntime = outcome.Report,
            Warnings = [.. cached.Warnings.Where(w => w.Code is not (EngineErrorCodes.OnnxRuntimeCheckSkipped or EngineErrorCodes.OnnxRuntimeAlreadyLoaded)), .. outcome.Warnings],
        };
    }

    private static CompressionException Refused(CompressionJob job, CompressionPlan plan, OnnxRuntimeBinding binding, string refusal,
        IReadOnlyList<Dictionary<string, Compression.Evaluation.Tensors.Tensor>> samples)
    {
        var finding = RefusingStep.Find(job, plan, model => OnnxRuntimeCheck.Refusal(Bytes(OnnxModel.FromProto(model, job.ModelPath)), samples));
        var runtime = $"ONNX Runtime {binding.Version} ({binding.Source})";
        var message = finding switch
        {
            { IsOriginal: true } => $"{runtime} refuses the compressed model, and the original model also fails in it: the original model, before any step of the plan, is what ONNX Runtime cannot load or run. ONNX Runtime says: \"{finding.Message}\"",
            not null => $"{runtime} refuses the compressed model; the first step whose output it refuses is {finding.Describe()}. ONNX Runtime says: \"{finding.Message}\"",
            null => $"{runtime} refuses the compressed model, though it accepts the output of every step of the plan replayed alone. ONNX Runtime says: \"{refusal}\"",
        };
        return new CompressionException(EngineErrorCodes.OnnxRuntimeRefused, message + " Nothing was written.", job.ModelPath);
    }

    private static byte[] Bytes(OnnxModel model) => model.ToBytes();
}
