using Compression.Engine.Caching;
using Compression.Engine.Pipeline;
using Compression.Engine.Profiles;
using Compression.Engine.Recipes;
using Compression.Onnx.Model;
using Compression.Testing;

namespace Compression.Engine.Tests.Pipeline;

/// <summary>
/// The resolved plan of every built-in profile for each real model, with and without calibration data, step by step;
/// and the planner's rules on small models: each preprocessing step once, fallbacks as steps with their codes, the
/// opset raised once before the first pass, a pass's leftovers planned after it.
/// </summary>
public class PlannerTests
{
    private const string StaticInt8Steps = "fold-constants, fold-batchnorm, fold-constants, equalize, remove-dead, int8";

    /// <summary>Step names (a fallback with its warning code) of each built-in profile, by the real models' opsets:
    /// the classifier is at opset 9, the detector at 11, BlazeFace at 12, the wake-word model at 13.</summary>
    public static TheoryData<string, string, bool, string> BuiltInPlans()
    {
        var data = new TheoryData<string, string, bool, string>();
        var conversion = new Dictionary<string, string>
        {
            ["paddleocr-cls"] = "convert-opset 9→13, ",
            ["paddleocr-det"] = "convert-opset 11→13, ",
            ["blazeface-front"] = "convert-opset 12→13, ",
            ["blazeface-back"] = "convert-opset 12→13, ",
            ["hello-deepa"] = "",
        };
        foreach (var (model, convert) in conversion)
        {
            foreach (var calibrated in new[] { false, true })
            {
                data.Add(model, "none", calibrated, "");
                // With calibration data every integer profile distills (Distillation=auto); gpu's fp16 has no form to fit.
                var distill = calibrated ? ", distill-layerwise" : "";
                data.Add(model, "portable", calibrated, "int8-weight" + distill);
                data.Add(model, "gpu", calibrated, "fp16");
                foreach (var profile in new[] { "desktop-x64", "desktop-arm64", "edge" })
                    data.Add(model, profile, calibrated, calibrated ? convert + StaticInt8Steps + distill : "fallback MCB2102, int8-weight");
                data.Add(model, "mobile", calibrated, calibrated ? convert + StaticInt8Steps + distill + ", brotli" : "fallback MCB2102, int8-weight, brotli");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInPlans))]
    public void Every_built_in_profile_plans_each_real_model_step_by_step(string model, string profile, bool calibrated, string expected)
    {
        var proto = OnnxModel.Load(TestAssets.RealModel(model).RequirePath()).Proto;
        var recipe = new ProfileCatalog().Get(profile).Recipe;
        var plan = Planner.Plan(proto, recipe, new PlanInputs(calibrated));
        Assert.Equal(expected, Names(plan));
        Assert.Equal(plan.Steps.Count(s => s.Kind == StepKind.Fallback), plan.Warnings.Count);
        if (!calibrated && recipe.Quantization == QuantizationMode.Int8)
            Assert.Equal(QuantizationMode.Int8Weight, plan.Recipe.Quantization); // the plan's recipe is what runs
    }

    [Fact]
    public void A_model_the_converter_cannot_raise_plans_the_fallback_with_its_code_and_the_key_changes()
    {
        using var temp = new TempFolder("plan-opset");
        var model = TinyModels.DenseWithUpsampleAtOpset9();
        var int8 = new Recipe { Quantization = QuantizationMode.Int8 };

        var plan = Planner.Plan(model, int8, new PlanInputs(HasCalibrationData: true));
        Assert.Equal("fallback MCB2103, int8-weight", Names(plan));
        Assert.Contains("Upsample", plan.Warnings.Single().Message);
        // Planned without the fallback the same recipe would be another plan: the cache key hashes what runs.
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        Assert.NotEqual(CacheKey.Compute(path, plan, []), CacheKey.Compute(path, new CompressionPlan(plan.Recipe, plan.Steps.Skip(1).ToList()), []));
    }

    [Fact]
    public void Pruning_then_static_int8_preprocesses_each_step_once_and_converts_the_opset_first()
    {
        var model = TinyModels.Dense(16, 8);
        model.OpsetImport[0].Version = 11;
        var recipe = new Recipe { Quantization = QuantizationMode.Int8, Pruning = new PruningSpec.Channels(0.25) };
        var plan = Planner.Plan(model, recipe, new PlanInputs(HasCalibrationData: true));
        Assert.Equal("convert-opset 11→13, fold-constants, fold-batchnorm, fold-constants, remove-dead, prune-channels, equalize, remove-dead, int8", Names(plan));
    }

    [Fact]
    public void Int4_and_dynamic_int8_are_followed_by_int8_weight_for_what_they_leave()
    {
        var model = TinyModels.Dense(16, 8);
        var int4 = Planner.Plan(model, new Recipe { Quantization = QuantizationMode.Int4Weight }, new PlanInputs(false));
        Assert.Equal("convert-opset 13→21, fold-constants, fold-batchnorm, fold-constants, remove-dead, int4-weight, int8-weight", Names(int4));
        Assert.Contains("for what int4-weight leaves", int4.Steps[^1].Description);
        var dynamic = Planner.Plan(model, new Recipe { Quantization = QuantizationMode.Int8Dynamic }, new PlanInputs(false));
        Assert.Equal(StaticInt8Steps.Replace("int8", "int8-dynamic") + ", int8-weight", Names(dynamic));
    }

    [Fact]
    public void Channel_pruning_without_data_is_planned_with_its_warning_and_keeps_its_recipe()
    {
        var recipe = new Recipe { Pruning = new PruningSpec.Channels(0.25) };
        var plan = Planner.Plan(TinyModels.Dense(16, 8), recipe, new PlanInputs(false));
        Assert.Equal("fallback MCB2120, fold-constants, fold-batchnorm, fold-constants, remove-dead, prune-channels", Names(plan));
        Assert.Equal(recipe, plan.Recipe);
    }

    [Fact]
    public void Distillation_without_calibration_data_is_refused_with_MCB2009_before_any_work()
    {
        var e = Assert.Throws<Compression.Onnx.Diagnostics.CompressionException>(() =>
            Planner.Plan(TinyModels.Dense(4, 2), new Recipe { Distillation = DistillationMode.Layerwise, Quantization = QuantizationMode.Int8Weight }, new PlanInputs(false, "m.onnx")));
        Assert.Equal(EngineErrorCodes.DistillationNeedsData, e.Code);
        Assert.Equal("m.onnx", e.FilePath);
    }

    [Fact]
    public void Distillation_runs_after_every_technique_and_before_packing()
    {
        var recipe = new Recipe { Distillation = DistillationMode.Layerwise, Quantization = QuantizationMode.Int8Weight, Packing = PackingMode.Brotli };
        var plan = Planner.Plan(TinyModels.Dense(16, 8), recipe, new PlanInputs(true));
        Assert.Equal("int8-weight, distill-layerwise, brotli", Names(plan));
        Assert.Equal(StepKind.Distillation, plan.Steps[1].Kind);
    }

    [Fact]
    public void Auto_distills_when_there_is_calibration_data_and_is_silent_without_it()
    {
        var recipe = new Recipe { Distillation = DistillationMode.Auto, Quantization = QuantizationMode.Int8Weight };
        var withData = Planner.Plan(TinyModels.Dense(16, 8), recipe, new PlanInputs(true));
        Assert.Equal("int8-weight, distill-layerwise", Names(withData));
        // Nothing worth fitting is no warning when the profile, not the item, asked for it.
        Assert.False(withData.Steps[1].ExpectsChange);
        var withoutData = Planner.Plan(TinyModels.Dense(16, 8), recipe, new PlanInputs(false));
        Assert.Equal("int8-weight", Names(withoutData));
        Assert.DoesNotContain(withoutData.Steps, s => s.Warning is not null);
    }

    [Fact]
    public void Every_integer_profile_distills_when_the_item_has_calibration_data()
    {
        foreach (var profile in Compression.Engine.Profiles.BuiltInProfiles.All)
            Assert.Equal(profile.Name is "none" or "gpu" ? DistillationMode.None : DistillationMode.Auto, profile.Recipe.Distillation);
        var desktop = Compression.Engine.Profiles.BuiltInProfiles.All.Single(p => p.Name == "desktop-x64");
        var plan = Planner.Plan(TinyModels.Dense(16, 8), desktop.Recipe, new PlanInputs(true));
        Assert.EndsWith("int8, distill-layerwise", Names(plan), StringComparison.Ordinal);
        Assert.Equal(DistillationMode.Layerwise, plan.Recipe.Distillation); // what runs, not "auto"
        Assert.Equal(DistillationMode.None, Planner.Plan(TinyModels.Dense(16, 8), desktop.Recipe, new PlanInputs(false)).Recipe.Distillation);
    }

    /// <summary>The plan as step names; a fallback with its code, an opset step with its versions.</summary>
    private static string Names(CompressionPlan plan) => string.Join(", ", plan.Steps.Select(s => s.Kind switch
    {
        StepKind.Fallback => $"fallback {s.Warning!.Code}",
        StepKind.OpsetConversion => $"convert-opset {s.Description.Replace("opset ", "").Replace(" → ", "→")}",
        _ => s.Name,
    }));
}
