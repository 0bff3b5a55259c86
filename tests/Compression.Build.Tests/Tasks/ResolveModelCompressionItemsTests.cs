using Compression.Build.Tasks;
using Compression.Testing;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tests.Tasks;

public sealed class ResolveModelCompressionItemsTests : IDisposable
{
    private readonly TempFolder _temp = new("resolve-task");
    private readonly FakeBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    private TaskItem Item(string file, int bytes = 10, params (string Name, string Value)[] metadata)
    {
        var path = _temp.Combine(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        var item = new TaskItem(path);
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }

    private ResolveModelCompressionItems Task(params ITaskItem[] items) => new()
    {
        BuildEngine = _engine, Models = items, ProjectFile = _temp.Combine("App.csproj"),
        IntermediateDirectory = _temp.Combine("obj", "ModelCompression"), RootNamespace = "App", MaxEmbedBytes = "1KB",
        RuntimeIdentifier = "linux-x64", PackagedEnginePath = "/package/tools/net10.0/modelc.dll",
    };

    [Fact]
    public void Each_model_gets_its_own_output_folder_a_stable_resource_name_and_is_embedded_by_default()
    {
        var task = Task(Item("a/model.onnx"), Item("b/model.onnx", 10, ("LogicalName", "Custom.b")));
        Assert.True(task.Execute(), _engine.Describe());
        var (a, b) = (task.ResolvedModels[0], task.ResolvedModels[1]);
        Assert.NotEqual(a.GetMetadata("OutputDirectory"), b.GetMetadata("OutputDirectory"));
        Assert.Equal("model.onnx", Path.GetFileName(a.GetMetadata("OutputPath")));
        Assert.Equal("App.Models.model.onnx", a.GetMetadata("LogicalName"));
        Assert.Equal("Custom.b", b.GetMetadata("LogicalName"));
        Assert.Equal("Resource", a.GetMetadata("Delivery"));
        Assert.Equal("", a.GetMetadata("Link"));
    }

    [Fact]
    public void Embed_false_and_models_over_the_limit_are_copied_with_a_warning_for_the_large_one()
    {
        var task = Task(Item("small.onnx", 10, ("Embed", "false")), Item("large.onnx", 2048));
        Assert.True(task.Execute());
        Assert.All(task.ResolvedModels, m => Assert.Equal("File", m.GetMetadata("Delivery")));
        Assert.Equal(Path.Combine("Models", "large.onnx"), task.ResolvedModels[1].GetMetadata("Link"));
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal(("MCB3010", _temp.Combine("large.onnx")), (warning.Code, warning.File));
    }

    [Fact]
    public void A_bad_Embed_value_is_MCB3006_on_the_model()
    {
        Assert.False(Task(Item("m.onnx", 10, ("Embed", "maybe"))).Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MCB3006", _temp.Combine("m.onnx")), (error.Code, error.File));
    }

    [Fact]
    public void Two_models_with_one_resource_name_are_MCB3007()
    {
        Assert.False(Task(Item("a/m.onnx"), Item("b/m.onnx")).Execute());
        Assert.Equal("MCB3007", Assert.Single(_engine.Errors).Code);
    }

    [Fact]
    public void The_settings_change_with_metadata_and_with_a_data_set_file_but_not_with_metadata_order()
    {
        var model = Item("m.onnx").ItemSpec; // written once: the model's own time is part of the settings too
        string Settings(params (string Name, string Value)[] metadata)
        {
            var item = new TaskItem(model);
            foreach (var (name, value) in metadata) item.SetMetadata(name, value);
            var task = Task(item);
            Assert.True(task.Execute());
            return task.ResolvedModels[0].GetMetadata("Settings");
        }
        var data = _temp.CreateFolder("cal");
        File.WriteAllBytes(Path.Combine(data, "input_0.npy"), new byte[8]);
        var baseline = Settings(("Quantization", "fp16"), ("CalibrationData", "cal"));
        Assert.Equal(baseline, Settings(("CalibrationData", "cal"), ("Quantization", "fp16")));
        Assert.NotEqual(baseline, Settings(("Quantization", "int8-weight"), ("CalibrationData", "cal")));
        File.WriteAllBytes(Path.Combine(data, "input_0.npy"), new byte[16]);
        Assert.NotEqual(baseline, Settings(("Quantization", "fp16"), ("CalibrationData", "cal")));
    }

    [Fact]
    public void The_settings_change_when_the_model_is_replaced_by_an_older_file()
    {
        var item = Item("m.onnx");
        var first = Task(item);
        Assert.True(first.Execute());
        File.WriteAllBytes(item.ItemSpec, new byte[11]);
        File.SetLastWriteTimeUtc(item.ItemSpec, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = Task(item);
        Assert.True(second.Execute());
        Assert.NotEqual(first.ResolvedModels[0].GetMetadata("Settings"), second.ResolvedModels[0].GetMetadata("Settings"));
    }

    [Fact]
    public void The_settings_change_with_each_build_setting_and_with_nothing_that_does_not_shape_the_output()
    {
        var model = Item("m.onnx").ItemSpec;
        string Settings(Action<ResolveModelCompressionItems> change)
        {
            var task = Task(new TaskItem(model));
            change(task);
            Assert.True(task.Execute(), _engine.Describe());
            return task.ResolvedModels[0].GetMetadata("Settings");
        }
        var baseline = Settings(_ => { });
        var shaping = new Dictionary<string, Action<ResolveModelCompressionItems>>
        {
            ["rid"] = t => t.RuntimeIdentifier = "linux-arm64",
            ["profile"] = t => t.Profile = "gpu",
            ["engine"] = t => t.EnginePath = "/other/modelc.dll",
            ["env-engine"] = t => t.EnginePathFromEnvironment = "/env/modelc.dll",
            ["packaged"] = t => t.PackagedEnginePath = "/package-2/tools/net10.0/modelc.dll",
            ["ridgraph"] = t => t.RuntimeIdentifierGraphPath = "/sdk/PortableRuntimeIdentifierGraph.json",
            ["profile item"] = t => t.Profiles = [new TaskItem("kiosk", new Dictionary<string, string> { ["ReduceRange"] = "true" })],
        };
        Assert.All(shaping, setting => Assert.True(baseline != Settings(setting.Value), setting.Key));
        // Where the resource and the report go, and how big a model may be to embed, do not change the compressed bytes.
        var neutral = new Dictionary<string, Action<ResolveModelCompressionItems>>
        {
            ["root namespace"] = t => t.RootNamespace = "Other",
            ["report dir"] = t => t.ReportDirectory = "reports",
            ["max embed"] = t => t.MaxEmbedBytes = "2KB",
            ["intermediate dir"] = t => t.IntermediateDirectory = _temp.Combine("obj2", "ModelCompression"),
        };
        Assert.All(neutral, setting => Assert.True(baseline == Settings(setting.Value), setting.Key));
    }

    [Fact]
    public void KeepInitializerInputs_reaches_the_engine_as_an_option_and_keys_the_settings_line()
    {
        var path = Item("m.onnx").ItemSpec;
        var kept = new TaskItem(path, new Dictionary<string, string> { ["KeepInitializerInputs"] = "true" });
        Assert.Contains(new KeyValuePair<string, string>("KeepInitializerInputs", "true"), Compression.Build.Tasks.RequestBuilder.Model(kept, _temp.Path).Options);
        string Settings(TaskItem item)
        {
            var task = Task(item);
            Assert.True(task.Execute(), _engine.Describe());
            return task.ResolvedModels[0].GetMetadata("Settings");
        }
        Assert.NotEqual(Settings(new TaskItem(path)), Settings(kept));
    }

    [Fact]
    public void Metadata_the_build_reads_or_reserves_never_reaches_the_engine_as_an_option_in_any_case()
    {
        var model = new TaskItem(_temp.Combine("m.onnx"), Compression.Build.Tasks.KnownMetadata.ModelItem.ToDictionary(n => n.ToLowerInvariant(), n => "x"));
        var profile = new TaskItem("kiosk", Compression.Build.Tasks.KnownMetadata.ProfileItem.ToDictionary(n => n.ToLowerInvariant(), _ => "x"));
        Assert.Empty(Compression.Build.Tasks.RequestBuilder.Model(model, _temp.Path).Options);
        Assert.Empty(Compression.Build.Tasks.RequestBuilder.Profile(profile).Options);
        Assert.True(Compression.Build.Tasks.KnownMetadata.ModelItem.Count >= 20, $"only {Compression.Build.Tasks.KnownMetadata.ModelItem.Count} names");
    }
}
