using Compression.Engine.Build;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Engine.Runtime;
using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Engine.Tests.Runtime;

/// <summary>
/// The ONNX Runtime step of a compression, in-process with the ORT this test project references (1.32.0): real models
/// pass and are timed; a model ORT refuses fails with MCB2301 naming the step that made it, and nothing is written.
/// </summary>
public class OnnxRuntimeCheckTests
{
    /// <summary>A pass the structural checker has no quarrel with and ORT refuses: an attribute no operator schema knows.</summary>
    private sealed class UnknownAttributePass : ICompressionPass
    {
        public string Name => "unknown-attribute";

        public PassReport Apply(CompressionContext context)
        {
            context.Model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "not_an_attribute", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            return new PassReport(Name, 0, 0, 0, ["adds an unknown attribute"]);
        }
    }

    /// <summary>A pass that changes nothing, so the refusing step is not the first.</summary>
    private sealed class NothingPass : ICompressionPass
    {
        public string Name => "nothing";

        public PassReport Apply(CompressionContext context) => PassReport.Nothing(Name, "changes nothing");
    }

    private static CompressionJob JobWithBadStep(string model)
    {
        var job = CompressionJob.Prepare(model, "none", Recipe.Identity);
        var plan = new CompressionPlan(Recipe.Identity,
        [
            new PlanStep(StepKind.Preprocessing, "nothing", "changes nothing") { Pass = _ => new NothingPass() },
            new PlanStep(StepKind.Technique, "unknown-attribute", "adds an attribute ORT does not know") { Pass = _ => new UnknownAttributePass() },
        ]);
        return job with { Plan = plan };
    }

    [Theory]
    [InlineData("hello-deepa", "portable")]
    [InlineData("blazeface-front", "mobile")]
    [InlineData("paddleocr-cls", "gpu")]
    public void Real_models_load_and_run_in_onnx_runtime_and_are_timed(string name, string profile)
    {
        using var temp = new TempFolder("ort-check");
        var model = TestAssets.RealModels.Single(m => m.Name == name).RequirePath();
        var job = ModelCompressor.Prepare(new CompressionRequest(model, temp.Combine("out.onnx"), profile));

        var result = ModelCompressor.Run(job, temp.Combine("out.onnx"));

        var runtime = Assert.IsType<OnnxRuntimeReport>(result.OnnxRuntime);
        Assert.True(runtime.Checked, runtime.Note);
        Assert.Equal(OnnxRuntimePin.Version, runtime.Version);
        Assert.Contains("logical core", runtime.Machine, StringComparison.Ordinal);
        var latency = Assert.IsType<OnnxRuntimeLatency>(runtime.Latency);
        Assert.Equal(Environment.ProcessorCount, latency.Threads);
        Assert.InRange(latency.Runs, OrtLatency.MinRuns, OrtLatency.MaxRuns);
        Assert.All(new[] { latency.OriginalMsOneThread, latency.CompressedMsOneThread, latency.OriginalMsAllThreads, latency.CompressedMsAllThreads },
            ms => Assert.True(ms > 0));
    }

    [Fact]
    public void A_model_onnx_runtime_refuses_fails_with_MCB2301_naming_the_step_and_nothing_is_written()
    {
        using var temp = new TempFolder("ort-refused");
        var job = JobWithBadStep(TestAssets.Models.HelloDeepa.RequirePath());
        var output = temp.Combine("out.onnx");

        var e = Assert.Throws<CompressionException>(() => ModelCompressor.Run(job, output));

        Assert.Equal("MCB2301", e.Code);
        Assert.Equal(job.ModelPath, e.FilePath);
        Assert.Contains("ONNX Runtime 1.32.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("the first step whose output it refuses is step 2. unknown-attribute: adds an attribute ORT does not know", e.Message, StringComparison.Ordinal);
        Assert.Contains("not_an_attribute", e.Message, StringComparison.Ordinal); // ORT's own message, quoted
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void The_structural_checker_accepts_what_onnx_runtime_refuses()
    {
        var job = JobWithBadStep(TestAssets.Models.HelloDeepa.RequirePath());
        var context = new CompressionContext(job.Model, job.Plan.Recipe);
        job.Plan.Run(context);
        Assert.True(ModelChecker.Check(context.Model).IsValid);
        Assert.NotNull(OnnxRuntimeCheck.Refusal(OnnxModel.FromProto(context.Model).ToBytes(), []));
    }

    [Fact]
    public void An_original_onnx_runtime_refuses_is_named_as_the_original()
    {
        using var temp = new TempFolder("ort-original");
        var path = temp.Combine("refused.onnx");
        TinyModels.RefusedByOnnxRuntime(TestAssets.Models.HelloDeepa.RequirePath(), path);

        var e = Assert.Throws<CompressionException>(() => ModelCompressor.Compress(new CompressionRequest(path, temp.Combine("out.onnx"), "portable")));

        Assert.Equal("MCB2301", e.Code);
        Assert.Contains("and the original model also fails in it", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out.onnx")));
    }

    [Fact]
    public void The_step_finder_replays_the_plan_and_stops_at_the_first_refused_output()
    {
        var job = JobWithBadStep(TestAssets.Models.HelloDeepa.RequirePath());
        var seen = 0;
        var finding = RefusingStep.Find(job, job.Plan, model =>
        {
            seen++;
            return model.Graph.Node[0].Attribute.Any(a => a.Name == "not_an_attribute") ? "refused" : null;
        });
        Assert.Equal((2, "step 2. unknown-attribute: adds an attribute ORT does not know", "refused"), (finding!.Number, finding.Describe(), finding.Message));
        Assert.Equal(3, seen); // the original, after step 1, after step 2
    }

    [Fact]
    public void Turned_off_the_check_leaves_a_note_and_no_latency()
    {
        using var temp = new TempFolder("ort-off");
        var result = ModelCompressor.Compress(TestAssets.Models.HelloDeepa.RequirePath(), temp.Combine("out.onnx"), "portable",
            Recipe.Identity with { Quantization = QuantizationMode.Int8Weight }, onnxRuntime: OnnxRuntimeOptions.Off("ModelCompressionOnnxRuntimeCheck=false"));
        var runtime = result.OnnxRuntime!;
        Assert.False(runtime.Checked);
        Assert.Equal("ONNX Runtime check turned off (ModelCompressionOnnxRuntimeCheck=false)", runtime.Note);
        Assert.Null(runtime.Latency);
        Assert.Equal("ONNX Runtime check turned off (ModelCompressionOnnxRuntimeCheck=false)", runtime.Describe());
    }

    [Fact]
    public void A_host_without_a_binary_skips_the_check_with_MCB2302_and_the_model_still_ships()
    {
        using var temp = new TempFolder("ort-skip");
        var choice = OnnxRuntimeResolver.ForProject("", "net10.0", "", "", "linux-musl-x64");
        var result = ModelCompressor.Compress(TestAssets.Models.HelloDeepa.RequirePath(), temp.Combine("out.onnx"), "portable",
            Recipe.Identity, onnxRuntime: new OnnxRuntimeOptions(Choice: choice));
        Assert.True(File.Exists(temp.Combine("out.onnx")));
        Assert.False(result.OnnxRuntime!.Checked);
        Assert.StartsWith("ONNX Runtime check skipped: Microsoft.ML.OnnxRuntime 1.32.0 has no native library for the build host (linux-musl-x64)", result.OnnxRuntime.Note, StringComparison.Ordinal);
        Assert.Contains(result.Warnings, w => w.Code == "MCB2302");
    }

    [Fact]
    public void A_cache_hit_made_without_the_check_is_checked_and_timed_on_the_way_out()
    {
        using var temp = new TempFolder("ort-cache");
        var request = new BuildRequest
        {
            ProjectFile = temp.Combine("App.csproj"),
            CacheDirectory = temp.Combine("cache"),
            OutputDirectory = temp.Combine("out"),
            Models = [new ModelItem { ItemSpec = "hello.onnx", FullPath = TestAssets.Models.HelloDeepa.RequirePath() }],
            OnnxRuntime = new OnnxRuntimeRequest { Check = false },
        };
        var off = Assert.Single(BuildRunner.Run(request).Models);
        Assert.Equal("ONNX Runtime check turned off (ModelCompressionOnnxRuntimeCheck=false)", off.Result.OnnxRuntime!.Note);

        var on = Assert.Single(BuildRunner.Run(request with { OnnxRuntime = new OnnxRuntimeRequest() }).Models);
        Assert.True(on.CacheHit);
        Assert.True(on.Result.OnnxRuntime!.Checked);
        // The version, not the wording of where it came from: one native library per process, so when another test
        // loaded it first (from the global packages folder), that choice's source is the one reported.
        Assert.StartsWith("pinned by Compression.Build 1.32.0", on.Result.OnnxRuntime.Source, StringComparison.Ordinal);
        Assert.NotNull(on.Result.OnnxRuntime.Latency);
    }
}
