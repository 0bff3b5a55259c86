using System.Globalization;
using Compression.Engine.Reporting;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Budget;

/// <summary>
/// How much a compressed model may differ from its original, measured on the item's ValidationData (docs/quantization.md):
/// <c>MaxAccuracyLoss</c> in points — labelled accuracy when the set has labels.npy, else 100 × (1 − top-1 agreement)
/// on class-score outputs — and <c>MinFidelityDb</c>, an SQNR floor for every output that is not class scores.
/// </summary>
internal sealed record AccuracyBudget(double? MaxAccuracyLossPoints, double? MinFidelityDb)
{
    public static AccuracyBudget None { get; } = new(null, null);

    public bool IsSet => MaxAccuracyLossPoints is not null || MinFidelityDb is not null;

    /// <summary>The budget as text for the cache key and reports; empty when none is set.</summary>
    public override string ToString() => !IsSet ? "" : string.Join(", ",
        new[]
        {
            MaxAccuracyLossPoints is { } p ? FormattableString.Invariant($"MaxAccuracyLoss={p}") : null,
            MinFidelityDb is { } db ? FormattableString.Invariant($"MinFidelityDb={db}") : null,
        }.Where(x => x is not null));

    /// <summary>Parses the metadata values (empty for unset): <c>1</c> or <c>1%</c> points; <c>30</c> or <c>30dB</c>.</summary>
    public static AccuracyBudget Parse(string? maxAccuracyLoss, string? minFidelityDb, string? file = null)
    {
        double? loss = null, floor = null;
        if (!string.IsNullOrWhiteSpace(maxAccuracyLoss))
        {
            var text = maxAccuracyLoss.Trim().TrimEnd('%').Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= 0 && v <= 100))
                throw Bad("MaxAccuracyLoss", maxAccuracyLoss, "points of accuracy from 0 to 100, such as 1 or 0.5%", file);
            loss = v;
        }
        if (!string.IsNullOrWhiteSpace(minFidelityDb))
        {
            var text = minFidelityDb.Trim();
            if (text.EndsWith("dB", StringComparison.OrdinalIgnoreCase)) text = text[..^2].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= -100 && v <= 400))
                throw Bad("MinFidelityDb", minFidelityDb, "an SQNR floor in dB such as 30 or 25dB", file);
            floor = v;
        }
        return new AccuracyBudget(loss, floor);
    }

    /// <summary>Whether <paramref name="fidelity"/> fits, with the numbers that decided it.</summary>
    public BudgetVerdict Check(FidelityReport fidelity)
    {
        var failures = new List<string>();
        double? lossPoints = null;
        if (MaxAccuracyLossPoints is { } maxLoss)
        {
            lossPoints = fidelity.Accuracy?.LossPoints
                ?? fidelity.Outputs.Where(o => o.Top1Agreement is not null).Select(o => 100 * (1 - o.Top1Agreement!.Value)).DefaultIfEmpty(double.NaN).Max();
            if (double.IsNaN(lossPoints.Value))
                throw new CompressionException(EngineErrorCodes.BudgetNotMeasurable,
                    "MaxAccuracyLoss needs labels.npy in the ValidationData or an output of class scores ([1, C]); this model has neither. Use MinFidelityDb.");
            if (lossPoints > maxLoss)
                failures.Add(fidelity.Accuracy is { } a
                    ? FormattableString.Invariant($"accuracy {a.CompressedPercent:F1}% against {a.OriginalPercent:F1}% loses {lossPoints:F2} points, over MaxAccuracyLoss {maxLoss}")
                    : FormattableString.Invariant($"top-1 agreement loses {lossPoints:F2} points, over MaxAccuracyLoss {maxLoss}"));
        }
        double? worstDb = null;
        if (MinFidelityDb is { } floor)
        {
            foreach (var output in fidelity.Outputs.Where(o => o.Top1Agreement is null))
            {
                var db = output.SqnrDb ?? double.PositiveInfinity;
                worstDb = Math.Min(worstDb ?? double.PositiveInfinity, db);
                if (db < floor) failures.Add(FormattableString.Invariant($"output '{output.Output}' at {db:F1} dB, under MinFidelityDb {floor}"));
            }
        }
        return new BudgetVerdict(failures.Count == 0, failures, lossPoints, worstDb);
    }

    private static CompressionException Bad(string option, string value, string accepted, string? file) =>
        new(EngineErrorCodes.InvalidOptionValue, $"{option}='{value}' is not valid; use {accepted}.", file);
}

/// <summary>The budget's judgement of one measurement: whether it fits, and why not.</summary>
internal sealed record BudgetVerdict(bool Fits, IReadOnlyList<string> Failures, double? LossPoints, double? WorstDb)
{
    public override string ToString() => Fits ? "within budget" : string.Join("; ", Failures);
}
