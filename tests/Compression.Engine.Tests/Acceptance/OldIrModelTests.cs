using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Xunit.Abstractions;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Acceptance;

/// <summary>
/// Old-IR exports (<see cref="OldIrExports"/>: CNTK's IR 3 without initializer inputs, early PyTorch's IR 3 and IR 4
/// keep_initializers_as_inputs with them) through every technique: each result passes the engine's own check and loads
/// and runs in ONNX Runtime (ModelCompressor refuses anything else), has IR ≥ 4 and the model's own inputs only, and says
/// so with a coded warning; kept overridable, those weights are left exactly as they were.
/// </summary>
public class OldIrModelTests
{
    private readonly ITestOutputHelper _output;

    public OldIrModelTests(ITestOutputHelper output) => _output = output;

    /// <summary>Every technique the engine has, as one metadata override each.</summary>
    public static IReadOnlyList<string> Techniques { get; } =
    [
        "Quantization=int8-weight", "Quantization=int8-dynamic", "Quantization=int8", "Quantization=int4-weight",
        "Quantization=fp16", "WeightSharing=16", "Pruning=0.5", "Pruning=2:4", "Pruning=channels:0.3", "LowRank=rank:0.5",
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var export in OldIrExports.All)
            foreach (var technique in Techniques) data.Add(export.Name, technique);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_technique_on_an_old_ir_export_writes_a_checked_model_onnx_runtime_runs_with_constant_weights(string export, string technique)
    {
        using var temp = new TempFolder("old-ir");
        var source = OldIrExports.Write(export, temp.Combine("model.onnx"));
        var original = OnnxModel.Load(source).Proto;
        var calibration = temp.CreateFolder("calibration");
        for (var i = 0; i < 2; i++) await ModelInputs.GenerateAsync(source, temp.CreateFolder("calibration", $"sample_{i:000}"), seed: i);
        var (key, value) = technique.Split('=') is [var k, var v] ? (k, v) : throw new ArgumentException(technique);
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { [key] = value });

        var result = ModelCompressor.Compress(source, temp.Combine("out.onnx"), ModelCompressor.IdentityProfile, recipe, calibrationData: calibration);

        var output = OnnxModel.Load(result.Output).Proto;
        _output.WriteLine($"{export} {technique}: {result.Ratio:F2}x, IR {original.IrVersion} → {output.IrVersion}; warnings: {string.Join("; ", result.Warnings.Select(w => w.Code))}");
        Assert.True(output.IrVersion >= 4, $"IR {output.IrVersion}");
        Assert.Equal(["x"], output.Graph.Input.Select(i => i.Name));
        var hadInitializerInputs = original.Graph.Input.Count > 1;
        Assert.Contains(result.Warnings, w => w.Code == (hadInitializerInputs ? EngineErrorCodes.InitializerInputsMadeConstant : "MCB1302"));
        if (key == "Pruning" && !value.StartsWith("channels", StringComparison.Ordinal))
            Assert.True(ZeroWeights(output) > ZeroWeights(original) + 1000, $"pruning left {ZeroWeights(output)} zero weights");
        if (key is "Quantization" or "WeightSharing")
            Assert.True(result.Ratio > 1.5, $"{technique} left the weights as they were ({result.Ratio:F2}x)");
    }

    [Theory]
    [InlineData("Quantization=int8-weight")]
    [InlineData("Quantization=fp16")]
    [InlineData("Pruning=0.5")]
    [InlineData("WeightSharing=16")]
    public void Initializer_inputs_kept_overridable_stay_inputs_and_no_pass_changes_them(string technique)
    {
        using var temp = new TempFolder("old-ir-keep");
        var source = OldIrExports.Write("pytorch-ir3-opset7", temp.Combine("model.onnx"));
        var original = OnnxModel.Load(source).Proto;
        var (key, value) = technique.Split('=') is [var k, var v] ? (k, v) : throw new ArgumentException(technique);
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { [key] = value, ["KeepInitializerInputs"] = "true" });

        var result = ModelCompressor.Compress(source, temp.Combine("out.onnx"), ModelCompressor.IdentityProfile, recipe);

        var output = OnnxModel.Load(result.Output).Proto;
        Assert.Equal(original.Graph.Input.Select(i => i.Name), output.Graph.Input.Select(i => i.Name));
        foreach (var init in original.Graph.Initializer)
            Assert.Equal(init.RawData, output.Graph.Initializer.Single(i => i.Name == init.Name).RawData);
        Assert.Contains(result.Warnings, w => w.Code == EngineErrorCodes.InitializerInputsKept && w.Message.Contains("16 initializer", StringComparison.Ordinal));
        Assert.Equal(4, output.IrVersion);
    }

    [Fact]
    public void An_export_without_initializer_inputs_is_repaired_by_raising_the_ir_only()
    {
        using var temp = new TempFolder("old-ir-plan");
        var source = OldIrExports.Write("cntk-ir3-opset8", temp.Combine("model.onnx"));

        var job = CompressionJob.Prepare(source, ModelCompressor.IdentityProfile, new Recipe { Quantization = QuantizationMode.Int8Weight });

        Assert.Equal(4, job.Model.Proto.IrVersion);
        Assert.Equal(OldIrExports.Get("cntk-ir3-opset8").Graph.Input.Count, job.Model.Proto.Graph.Input.Count);
        var step = job.Plan.Steps[0];
        Assert.Equal(StepKind.Normalization, step.Kind);
        Assert.Equal("MCB1302", step.Warning?.Code);
        Assert.Contains("16 way(s)", step.Warning!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExportNames))]
    public void The_identity_recipe_saves_an_old_ir_export_as_loaded(string export)
    {
        using var temp = new TempFolder("old-ir-identity");
        var source = OldIrExports.Write(export, temp.Combine("model.onnx"));

        var result = ModelCompressor.Compress(source, temp.Combine("out.onnx"), ModelCompressor.IdentityProfile, Recipe.Identity);

        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(result.Output));
    }

    public static TheoryData<string> ExportNames => OldIrExports.Names;

    private static long ZeroWeights(ModelProto model) =>
        model.Graph.Initializer.Where(t => t.DataType == (int)DataType.Float).Sum(t => (long)TensorData.Read<float>(t).Count(v => v == 0));
}
