using Compression.Build.Tasks;
using Compression.Testing;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tests.Tasks;

public sealed class GenerateModelAccessorTests : IDisposable
{
    private readonly TempFolder _temp = new("accessor-task");
    private readonly FakeBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    private TaskItem Item(string file, string content = "12345")
    {
        var path = _temp.Combine(file);
        File.WriteAllText(path, content);
        var item = new TaskItem(path);
        item.SetMetadata("OriginalItemSpec", file);
        item.SetMetadata("LogicalName", "App.Models." + file);
        item.SetMetadata("Delivery", "Resource");
        item.SetMetadata("OutputPath", _temp.Combine("out-" + file));
        item.SetMetadata("ResponseFile", _temp.Combine("response-" + file + ".json"));
        return item;
    }

    private GenerateModelAccessor Task(params TaskItem[] items) =>
        new() { BuildEngine = _engine, Models = items, ProjectFile = _temp.Combine("App.csproj"), OutputFile = _temp.Combine("g", "CompressedModels.g.cs"), RootNamespace = "App" };

    [Fact]
    public void Before_any_compression_the_accessor_says_not_built_yet_with_the_original_size()
    {
        var task = Task(Item("hello_deepa.onnx"));
        Assert.True(task.Execute(), _engine.Describe());
        var code = File.ReadAllText(task.OutputFile);
        Assert.Contains("internal static class HelloDeepa", code);
        Assert.Contains("public const string Profile = \"(not built yet)\";", code);
        Assert.Contains("public const long OriginalSize = 5L;", code);
    }

    [Fact]
    public void After_compression_the_accessor_carries_the_engines_result()
    {
        var item = Item("m.onnx");
        File.WriteAllText(item.GetMetadata("OutputPath"), "x");
        File.WriteAllText(item.GetMetadata("ResponseFile"), """
            {"models":[{"itemSpec":"m.onnx","outputPath":"o","profile":"mobile","recipe":"int8-weight","originalBytes":100,"compressedBytes":26,"sha256":"abc","cacheHit":false}],"diagnostics":[]}
            """);
        var task = Task(item);
        Assert.True(task.Execute());
        var code = File.ReadAllText(task.OutputFile);
        Assert.Contains("Profile = \"mobile\"", code);
        Assert.Contains("Recipe = \"int8-weight\"", code);
        Assert.Contains("CompressedSize = 26L", code);
        Assert.Contains("Sha256 = \"abc\"", code);
    }

    [Fact]
    public void An_unchanged_accessor_is_not_rewritten()
    {
        var task = Task(Item("a.onnx"));
        Assert.True(task.Execute());
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(task.OutputFile, written);
        Assert.True(task.Execute());
        Assert.Equal(written, File.GetLastWriteTimeUtc(task.OutputFile));
    }

    [Fact]
    public void Two_models_with_one_class_name_are_MCB3007_on_the_second_model()
    {
        var second = Item("hello-deepa.onnx");
        var task = Task(Item("hello_deepa.onnx"), second);
        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MCB3007", second.ItemSpec), (error.Code, error.File));
    }

    [Fact]
    public void An_invalid_AccessorName_is_MCB3006()
    {
        var item = Item("a.onnx");
        item.SetMetadata("AccessorName", "9 lives");
        Assert.False(Task(item).Execute());
        Assert.Equal("MCB3006", Assert.Single(_engine.Errors).Code);
    }

    [Fact]
    public void A_model_copied_next_to_the_app_is_opened_from_the_app_folder()
    {
        var item = Item("big.onnx");
        item.SetMetadata("Delivery", "File");
        item.SetMetadata("RelativePath", Path.Combine("Models", "big.onnx"));
        var task = Task(item);
        Assert.True(task.Execute());
        var code = File.ReadAllText(task.OutputFile);
        Assert.Contains("FileName = \"Models/big.onnx\"", code);
        Assert.DoesNotContain("GetManifestResourceStream", code);
    }
}
