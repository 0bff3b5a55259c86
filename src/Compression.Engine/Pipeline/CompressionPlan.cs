using System.Text;
using System.Text.Json;
using Compression.Engine.Recipes;

namespace Compression.Engine.Pipeline;

/// <summary>
/// Everything one model goes through, resolved before anything runs (<see cref="Planner"/>): fallbacks with their
/// warnings, opset conversion, each preprocessing step once, each technique pass, packing. <see cref="Recipe"/> is the
/// recipe that really runs (after fallbacks). The canonical text is what the cache key hashes, so the key describes
/// what ran; the steps are what the report and <c>modelc compress --plan</c> print.
/// </summary>
internal sealed record CompressionPlan(Recipe Recipe, IReadOnlyList<PlanStep> Steps)
{
    public IReadOnlyList<EngineWarning> Warnings => Steps.Select(s => s.Warning).OfType<EngineWarning>().ToList();

    /// <summary>Canonical JSON: the effective recipe and every step, in order.</summary>
    public string Canonical
    {
        get
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("recipe", RecipeText.Format(Recipe));
                writer.WriteStartArray("steps");
                foreach (var step in Steps) writer.WriteStringValue(step.ToString());
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    /// <summary>The steps numbered, one line each; an empty plan says so.</summary>
    public IReadOnlyList<string> Describe() =>
        Steps.Count == 0 ? ["(no steps: the model is saved as loaded)"] : Steps.Select((s, i) => $"{i + 1}. {s}").ToList();

    /// <summary>
    /// Runs every step that changes the model, in order, over the context's working model. <paramref name="afterStep"/>
    /// sees the working model after each such step (by its index in <see cref="Steps"/>) and stops the run by
    /// answering false: the ONNX Runtime check replays a plan that way to find the step whose output ORT refuses.
    /// </summary>
    public IReadOnlyList<PassReport> Run(CompressionContext context, Func<int, bool>? afterStep = null)
    {
        var reports = new List<PassReport>();
        var distills = Steps.Any(s => s.Kind == StepKind.Distillation);
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i].Pass is not { } create) continue;
            if (distills && Steps[i].Kind == StepKind.Technique && context.Teacher is null) context.Teacher = context.Model.Clone();
            var report = create(context).Apply(context);
            reports.Add(report);
            if (Steps[i].ExpectsChange && report.TensorsChanged == 0) WarnNothingChanged(context, Steps[i], report);
            if (afterStep is not null && !afterStep(i)) break;
        }
        return reports;
    }

    /// <summary>
    /// One place for every pass: a technique that found nothing to change says so, naming itself, the model file and
    /// its own reason (its first note), instead of silently shipping the model it was given.
    /// </summary>
    private static void WarnNothingChanged(CompressionContext context, PlanStep step, PassReport report)
    {
        var file = context.Original.SourcePath is { Length: > 0 } path ? Path.GetFileName(path) : "the model";
        var why = report.Notes.Count > 0 ? $": {report.Notes[0]}" : "";
        context.Warn(EngineErrorCodes.NothingToChange,
            $"{step.Name} found nothing to change in {file}{why}; the model ships without it.");
    }
}
