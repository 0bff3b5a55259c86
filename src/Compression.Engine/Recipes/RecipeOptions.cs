using System.Globalization;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Recipes;

/// <summary>
/// Parses and formats recipe options. Every bad value is a <see cref="CompressionException"/> (MCB2002) that names the
/// option, the value, and what is accepted, so a typo in a csproj reads like a compiler error, not a stack trace.
/// </summary>
internal static class RecipeOptions
{
    /// <summary>The built-in options, then those of registered techniques (<see cref="Pipeline.PassRegistry"/>).</summary>
    public static IReadOnlyList<RecipeOption> All { get; } = [.. BuiltIn(), .. Pipeline.PassRegistry.ExtensionOptions];

    private static IReadOnlyList<RecipeOption> BuiltIn() =>
    [
        new("Quantization", "--quantization", "none, fp16, int8-weight, int8-dynamic, int8, int4-weight",
            (r, v) => r with { Quantization = ParseQuantization(v) }, r => Format(r.Quantization)),
        new("Pruning", "--pruning", "none, a sparsity in (0, 1) such as 0.5, N:M such as 2:4, channels:F with F in (0, 1)",
            (r, v) => r with { Pruning = ParsePruning(v) }, r => Format(r.Pruning)),
        new("LowRank", "--low-rank", "none, energy:F with F in (0, 1], rank:F with F in (0, 1]",
            (r, v) => r with { LowRank = ParseLowRank(v) }, r => Format(r.LowRank)),
        new("WeightSharing", "--weight-sharing", "none or a cluster count from 2 to 256",
            (r, v) => r with { WeightSharing = ParseClusters(v) }, r => r.WeightSharing?.ToString(CultureInfo.InvariantCulture) ?? "none"),
        new("Distillation", "--distillation", "none, layerwise, auto (layerwise when there is CalibrationData)",
            (r, v) => r with { Distillation = ParseWord<DistillationMode>("Distillation", v) }, r => Word(r.Distillation)),
        new("Packing", "--packing", "none, brotli",
            (r, v) => r with { Packing = ParseWord<PackingMode>("Packing", v) }, r => Word(r.Packing)),
        new("ActivationType", "--activation-type", "uint8, int8",
            (r, v) => r with { ActivationType = ParseWord<ActivationType>("ActivationType", v) }, r => Word(r.ActivationType)),
        new("ReduceRange", "--reduce-range", "true, false (7-bit weights for u8s8 kernels on x64 CPUs without VNNI)",
            (r, v) => r with { ReduceRange = ParseBoolean("ReduceRange", v) }, r => r.ReduceRange ? "true" : "false"),
        new("CalibrationMethod", "--calibration-method", "minmax, percentile:P with P in (0, 100], entropy, mse",
            (r, v) => r with { CalibrationMethod = ParseCalibration(v) }, r => Format(r.CalibrationMethod)),
        new("Exclude", "--exclude", "node names and operator types separated by ';'",
            (r, v) => r with { Exclude = ParseExclude(v) }, r => string.Join(';', r.Exclude)),
        new("BlockSize", "--block-size", "32, 64, 128",
            (r, v) => r with { BlockSize = ParseBlockSize(v) }, r => r.BlockSize.ToString(CultureInfo.InvariantCulture)),
        new("PruningScope", "--pruning-scope", "auto (global for unstructured sparsity, else layer), layer, global",
            (r, v) => r with { PruningScope = ParseWord<PruningScope>("PruningScope", v) }, r => Word(r.PruningScope)),
        new("SharingScope", "--sharing-scope", "tensor, channel",
            (r, v) => r with { SharingScope = ParseWord<SharingScope>("SharingScope", v) }, r => Word(r.SharingScope)),
        new("KeepInitializerInputs", "--keep-initializer-inputs", "true, false (initializers that are also graph inputs stay overridable and uncompressed)",
            (r, v) => r with { KeepInitializerInputs = ParseBoolean("KeepInitializerInputs", v) }, r => r.KeepInitializerInputs ? "true" : "false"),
    ];

    public static RecipeOption? Find(string name) =>
        All.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase) || o.Flag == name);

    /// <summary>Applies option values (by metadata name or flag) over <paramref name="recipe"/>; empty values are ignored.</summary>
    public static Recipe Apply(Recipe recipe, IEnumerable<KeyValuePair<string, string>> values, string? file = null)
    {
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            var option = Find(name) ?? throw new CompressionException(EngineErrorCodes.UnknownOption,
                $"unknown recipe option '{name}'; known options: {string.Join(", ", All.Select(o => o.Name))}.", file);
            try
            {
                recipe = option.Apply(recipe, value.Trim());
            }
            catch (CompressionException e) when (e.FilePath is null && file is not null)
            {
                throw new CompressionException(e.Code, e.Message, file, e);
            }
        }
        return recipe;
    }

    public static QuantizationMode ParseQuantization(string value) => value.ToLowerInvariant() switch
    {
        "none" => QuantizationMode.None,
        "fp16" => QuantizationMode.Fp16,
        "int8-weight" => QuantizationMode.Int8Weight,
        "int8-dynamic" => QuantizationMode.Int8Dynamic,
        "int8" => QuantizationMode.Int8,
        "int4-weight" => QuantizationMode.Int4Weight,
        _ => throw Bad("Quantization", value),
    };

    public static string Format(QuantizationMode mode) => mode switch
    {
        QuantizationMode.None => "none",
        QuantizationMode.Fp16 => "fp16",
        QuantizationMode.Int8Weight => "int8-weight",
        QuantizationMode.Int8Dynamic => "int8-dynamic",
        QuantizationMode.Int8 => "int8",
        QuantizationMode.Int4Weight => "int4-weight",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static PruningSpec? ParsePruning(string value)
    {
        var v = value.ToLowerInvariant();
        if (v == "none") return null;
        if (v.StartsWith("channels:", StringComparison.Ordinal))
            return new PruningSpec.Channels(Fraction("Pruning", value, v["channels:".Length..], inclusiveOne: false));
        if (v.Contains(':'))
        {
            var parts = v.Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && n > 0 && n < m && m <= 64)
                return new PruningSpec.NOfM(n, m);
            throw Bad("Pruning", value, "an N:M pattern keeps N of every M weights, so 0 < N < M <= 64 (e.g. 2:4)");
        }
        return new PruningSpec.Unstructured(Fraction("Pruning", value, v, inclusiveOne: false));
    }

    public static string Format(PruningSpec? spec) => spec switch
    {
        null => "none",
        PruningSpec.Unstructured u => Number(u.Sparsity),
        PruningSpec.NOfM nm => $"{nm.N}:{nm.M}",
        PruningSpec.Channels c => $"channels:{Number(c.Fraction)}",
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    public static LowRankSpec? ParseLowRank(string value)
    {
        var v = value.ToLowerInvariant();
        if (v == "none") return null;
        if (v.StartsWith("energy:", StringComparison.Ordinal)) return new LowRankSpec.Energy(Fraction("LowRank", value, v[7..], inclusiveOne: true));
        if (v.StartsWith("rank:", StringComparison.Ordinal)) return new LowRankSpec.Rank(Fraction("LowRank", value, v[5..], inclusiveOne: true));
        throw Bad("LowRank", value);
    }

    public static string Format(LowRankSpec? spec) => spec switch
    {
        null => "none",
        LowRankSpec.Energy e => $"energy:{Number(e.Fraction)}",
        LowRankSpec.Rank r => $"rank:{Number(r.Fraction)}",
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    public static int? ParseClusters(string value)
    {
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 2 and <= 256) return k;
        throw Bad("WeightSharing", value, "clusters must be a whole number from 2 to 256");
    }

    public static bool ParseBoolean(string option, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(option, value),
    };

    public static CalibrationMethod ParseCalibration(string value)
    {
        var v = value.ToLowerInvariant();
        if (v == "minmax") return new CalibrationMethod.MinMax();
        if (v == "entropy") return new CalibrationMethod.Entropy();
        if (v == "mse") return new CalibrationMethod.Mse();
        if (v.StartsWith("percentile:", StringComparison.Ordinal)
            && double.TryParse(v[11..], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p > 0 && p <= 100)
            return new CalibrationMethod.Percentile(p);
        throw Bad("CalibrationMethod", value);
    }

    public static string Format(CalibrationMethod method) => method switch
    {
        CalibrationMethod.MinMax => "minmax",
        CalibrationMethod.Entropy => "entropy",
        CalibrationMethod.Mse => "mse",
        CalibrationMethod.Percentile p => $"percentile:{Number(p.Value)}",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public static IReadOnlyList<string> ParseExclude(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public static int ParseBlockSize(string value) =>
        value is "32" or "64" or "128" ? int.Parse(value, CultureInfo.InvariantCulture) : throw Bad("BlockSize", value);

    public static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static T ParseWord<T>(string option, string value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
            if (string.Equals(Word(candidate), value, StringComparison.OrdinalIgnoreCase)) return candidate;
        throw Bad(option, value);
    }

    private static double Fraction(string option, string value, string number, bool inclusiveOne)
    {
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 && (f < 1 || (inclusiveOne && f == 1)))
            return f;
        throw Bad(option, value, $"the fraction must be greater than 0 and {(inclusiveOne ? "at most" : "less than")} 1");
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static CompressionException Bad(string option, string value, string? why = null)
    {
        var accepted = All.First(o => o.Name == option).Accepted;
        return new CompressionException(EngineErrorCodes.InvalidOptionValue,
            $"'{value}' is not a valid {option}{(why is null ? "" : $": {why}")}; accepted: {accepted}.");
    }
}
