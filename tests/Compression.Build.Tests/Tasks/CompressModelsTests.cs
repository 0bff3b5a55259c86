using System.Diagnostics;
using System.Text.Json;
using Compression.Build.Tasks;
using Compression.Testing;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tests.Tasks;

/// <summary>The task against a fake engine that follows the protocol: what it sends, what it reports, how it fails.</summary>
public sealed class CompressModelsTests : IDisposable
{
    private readonly TempFolder _temp = new("compress-task");
    private readonly FakeBuildEngine _engine = new();
    private readonly string _enginePath;

    public CompressModelsTests()
    {
        _enginePath = _temp.Combine("modelc.dll");
        File.WriteAllText(_enginePath, "not really an assembly: the fake host ignores it");
    }

    public void Dispose() => _temp.Dispose();

    private string Model(string name, string content)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    private CompressModels Task(params ITaskItem[] models)
    {
        var output = _temp.CreateFolder("obj", "mc");
        foreach (var model in models)
        {
            model.SetMetadata("OutputPath", Path.Combine(output, Path.GetFileNameWithoutExtension(model.ItemSpec) + ".onnx"));
        }
        return new CompressModels
        {
            BuildEngine = _engine,
            Models = models,
            ProjectFile = _temp.Combine("App.csproj"),
            OutputDirectory = output,
            RequestFile = Path.Combine(output, "request.json"),
            ResponseFile = Path.Combine(output, "response.json"),
            RuntimeIdentifier = "linux-x64",
            RuntimeIdentifierGraphPath = "/sdk/rid.json",
            CacheDirectory = "cache",
            MaxCacheBytes = "1GB",
            PackagedEnginePath = _enginePath,
            DotnetHostPath = FakeEngine.HostPath,
        };
    }

    private static TaskItem Item(string path, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(path);
        item.SetMetadata("OriginalItemSpec", "Models/" + Path.GetFileName(path));
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }

    [Fact]
    public void Sends_the_request_and_returns_each_output_with_its_metadata()
    {
        var task = Task(Item(Model("face.onnx", "0123456789"), ("Quantization", "fp16"), ("LogicalName", "App.Models.face.onnx"), ("Exclude", "a;b")));
        Assert.True(task.Execute(), _engine.Describe());

        var output = Assert.Single(task.CompressedModels);
        Assert.Equal(Path.Combine(task.OutputDirectory, "face.onnx"), output.ItemSpec);
        Assert.Equal("desktop-x64", output.GetMetadata("Profile"));
        Assert.Equal("fp16", output.GetMetadata("Recipe"));
        Assert.Equal("10", output.GetMetadata("OriginalBytes"));
        Assert.Equal("5", output.GetMetadata("CompressedBytes"));
        Assert.Equal(64, output.GetMetadata("Sha256").Length);
        Assert.Equal("App.Models.face.onnx", output.GetMetadata("LogicalName"));

        using var seen = JsonDocument.Parse(File.ReadAllText(task.RequestFile + ".seen"));
        Assert.Equal(_enginePath, seen.RootElement.GetProperty("engine").GetString());
        Assert.Equal("build", seen.RootElement.GetProperty("command").GetString());
        var request = seen.RootElement.GetProperty("request");
        Assert.Equal(Path.GetFullPath(_temp.Combine("cache")), request.GetProperty("cacheDirectory").GetString());
        Assert.Equal(1L << 30, request.GetProperty("maxCacheBytes").GetInt64());
        var model = request.GetProperty("models")[0];
        Assert.Equal("Models/face.onnx", model.GetProperty("itemSpec").GetString());
        Assert.Equal("a;b", model.GetProperty("options").GetProperty("Exclude").GetString());
        Assert.False(model.GetProperty("options").TryGetProperty("LogicalName", out _));
        Assert.Empty(_engine.Errors);
    }

    [Fact]
    public void An_error_diagnostic_is_one_MSBuild_error_with_its_code_and_file_and_no_output()
    {
        var bad = Model("bad.onnx", "FAIL");
        var task = Task(Item(bad), Item(Model("good.onnx", "fine")));
        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MCB1003", bad), (error.Code, error.File));
        Assert.Equal("good.onnx", Path.GetFileName(Assert.Single(task.CompressedModels).ItemSpec));
        Assert.False(File.Exists(Path.Combine(task.OutputDirectory, "bad.onnx")));
    }

    [Fact]
    public void A_warning_diagnostic_is_an_MSBuild_warning_and_the_build_goes_on()
    {
        var model = Model("w.onnx", "WARN and more");
        var task = Task(Item(model));
        Assert.True(task.Execute());
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal(("MCB2101", model), (warning.Code, warning.File));
    }

    [Fact]
    public void Exit_code_2_becomes_the_engines_own_error_not_MSB6006()
    {
        var model = Model("x.onnx", "EXIT2");
        Assert.False(Task(Item(model)).Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MCB2002", model), (error.Code, error.File));
        Assert.Contains("int9", error.Message);
    }

    [Fact]
    public void Exit_code_3_becomes_MCB9000_on_the_project_without_the_stack_trace()
    {
        Assert.False(Task(Item(Model("x.onnx", "EXIT3"))).Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MCB9000", _temp.Combine("App.csproj")), (error.Code, error.File));
        Assert.DoesNotContain(" at ", error.Message);
    }

    [Fact]
    public void A_missing_engine_is_MCB3001_naming_the_path()
    {
        var task = Task(Item(Model("x.onnx", "m")));
        task.EnginePath = _temp.Combine("nowhere", "modelc.dll");
        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MCB3001", task.EnginePath), (error.Code, error.File));
    }

    [Fact]
    public void A_bad_cache_size_is_MCB3005_on_the_project()
    {
        var task = Task(Item(Model("x.onnx", "m")));
        task.MaxCacheBytes = "lots";
        Assert.False(task.Execute());
        Assert.Equal("MCB3005", Assert.Single(_engine.Errors).Code);
    }

    [Fact]
    public void A_stale_output_of_a_model_that_now_fails_is_deleted()
    {
        var model = Model("m.onnx", "FAIL");
        var task = Task(Item(model));
        var stale = Path.Combine(task.OutputDirectory, "m.onnx");
        File.WriteAllText(stale, "last time's output");
        Assert.False(task.Execute());
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async System.Threading.Tasks.Task Cancel_stops_the_engine_promptly_and_reports_no_error()
    {
        var task = Task(Item(Model("h.onnx", "HANG")));
        var clock = Stopwatch.StartNew();
        var run = System.Threading.Tasks.Task.Run(task.Execute);
        // Wait until the engine has started (it writes the .seen file) before cancelling.
        while (!File.Exists(task.RequestFile + ".seen") && clock.Elapsed < TimeSpan.FromSeconds(30)) await System.Threading.Tasks.Task.Delay(50);
        task.Cancel();
        var finished = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(finished);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(_engine.Errors, e => e.Code is "MSB6006" or "MCB3003");
        Assert.False(File.Exists(task.ResponseFile));
    }
}
