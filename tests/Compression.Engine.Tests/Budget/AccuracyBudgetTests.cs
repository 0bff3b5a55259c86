using Compression.Engine.Budget;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Budget;

/// <summary>
/// The accuracy budget: measured on ValidationData; over budget, the layers that cost most are kept back at full
/// precision until the model fits; when nothing fits, MCB2201 with the numbers and the costliest layers.
/// </summary>
public class AccuracyBudgetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("1", null, 1.0, null)]
    [InlineData("0.5%", null, 0.5, null)]
    [InlineData(null, "30", null, 30.0)]
    [InlineData("", "25 dB", null, 25.0)]
    public void Values_parse_in_points_and_decibels(string? loss, string? db, double? points, double? floor)
    {
        var budget = AccuracyBudget.Parse(loss, db);
        Assert.Equal((points, floor), (budget.MaxAccuracyLossPoints, budget.MinFidelityDb));
    }

    [Theory]
    [InlineData("-1", null)]
    [InlineData("101", null)]
    [InlineData("lots", null)]
    [InlineData(null, "loud")]
    [InlineData(null, "NaN")]
    public void Bad_values_are_MCB2002_with_the_file(string? loss, string? db)
    {
        var e = Assert.Throws<CompressionException>(() => AccuracyBudget.Parse(loss, db, "App.csproj"));
        Assert.Equal((EngineErrorCodes.InvalidOptionValue, "App.csproj"), (e.Code, e.FilePath));
    }

    [Fact]
    public void A_budget_without_validation_data_is_MCB2202()
    {
        using var temp = new TempFolder("budget-novalidation");
        var e = Assert.Throws<CompressionException>(() => ModelCompressor.Compress(TestAssets.Models.HelloDeepa.RequirePath(), temp.Combine("q.onnx"), "portable",
            new Recipe { Quantization = QuantizationMode.Int8Weight }, budget: AccuracyBudget.Parse(null, "30")));
        Assert.Equal(EngineErrorCodes.BudgetNeedsValidationData, e.Code);
        Assert.False(File.Exists(temp.Combine("q.onnx")));
    }

    [Fact]
    public async Task A_recipe_over_budget_is_rescued_by_keeping_the_costliest_layers_back()
    {
        using var temp = new TempFolder("budget-rescue");
        var path = TestAssets.Models.BlazeFaceFront.RequirePath();
        var calibration = await RealDataSets.GetAsync("blazeface-front", 16);
        var validation = await RealDataSets.GetAsync("blazeface-front", 16, first: 16);
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Quantization"] = "int8", ["CalibrationMethod"] = "percentile:99.99" });

        var plain = ModelCompressor.Compress(path, temp.Combine("plain.onnx"), "portable", recipe, validation, calibration);
        var plainWorst = plain.Fidelity!.Outputs.Min(o => o.SqnrDb ?? double.PositiveInfinity);
        // The floor sits above what the plain recipe reaches (measured 20.3 dB worst output) and below int8-weight's.
        const double floor = 23;
        Assert.True(plainWorst < floor, $"the plain recipe already reaches {plainWorst:F1} dB: the test would prove nothing");

        var rescued = ModelCompressor.Compress(path, temp.Combine("rescued.onnx"), "portable", recipe, validation, calibration,
            budget: AccuracyBudget.Parse(null, floor.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        output.WriteLine($"plain worst {plainWorst:F1} dB; rescued {string.Join(", ", rescued.Fidelity!.Outputs.Select(o => $"{o.SqnrDb:F1}"))} dB keeping back {rescued.KeptBack.Count}: {string.Join(" | ", rescued.KeptBack)}");
        Assert.NotEmpty(rescued.KeptBack);
        Assert.All(rescued.Fidelity.Outputs, o => Assert.True((o.SqnrDb ?? double.PositiveInfinity) >= floor));
        Assert.Contains(rescued.Passes, p => p.Pass == "accuracy-budget" && p.Notes.Single().Contains("kept back"));

        // ONNX Runtime sees the same: the rescued model runs and meets the floor on the validation set (1 dB margin for
        // the executor's float emulation of integer kernels, measured within 0.4 dB).
        var measured = await Fidelity.OverDataSetAsync(path, temp.Combine("rescued.onnx"), validation, temp.CreateFolder("ort"));
        Assert.All(measured, m => Assert.True(m.SqnrDb >= floor - 1, $"ONNX Runtime: {m.SqnrDb:F1} dB"));
        // The kept-back layers are float Convs in the output, the rest stay integer.
        var graph = OnnxModel.Load(temp.Combine("rescued.onnx")).Graph;
        var kept = rescued.KeptBack.Select(k => k[..k.IndexOf(" (", StringComparison.Ordinal)]).ToHashSet();
        Assert.All(graph.Node.Where(n => kept.Contains(n.Name) && n.OpType == "Conv"),
            n => Assert.DoesNotContain(graph.Node, d => d.OpType == "DequantizeLinear" && d.Output.Contains(n.Input[1])));
    }

    [Fact]
    public async Task An_impossible_budget_fails_with_MCB2201_naming_the_numbers_and_the_costliest_layers()
    {
        using var temp = new TempFolder("budget-impossible");
        var path = TestAssets.Models.HelloDeepa.RequirePath();
        var validation = temp.CreateFolder("validation");
        await ModelInputs.GenerateAsync(path, Path.Combine(validation, "sample_0"), seed: 1);
        // hello_deepa's nodes have names; its int8-weight output can be rescued layer by layer, except that the budget
        // asks for exactly the original (no SQNR is high enough): every layer is kept back and it still cannot fit only
        // if something else changed — here nothing does, so ask the impossible of a model whose nodes have no names.
        var proto = OnnxModel.Load(path).Proto;
        foreach (var node in proto.Graph.Node) node.Name = "";
        var unnamed = temp.Combine("unnamed.onnx");
        OnnxModel.FromProto(proto).Save(unnamed);

        var e = Assert.Throws<BudgetExceededException>(() => ModelCompressor.Compress(unnamed, temp.Combine("q.onnx"), "portable",
            new Recipe { Quantization = QuantizationMode.Int8Weight }, validation, budget: AccuracyBudget.Parse(null, "200")));
        Assert.Equal(EngineErrorCodes.BudgetExceeded, e.Code);
        Assert.Equal(unnamed, e.FilePath);
        Assert.Contains("under MinFidelityDb 200", e.Message);
        Assert.False(File.Exists(temp.Combine("q.onnx")), "a failed budget leaves no output");
    }
}
