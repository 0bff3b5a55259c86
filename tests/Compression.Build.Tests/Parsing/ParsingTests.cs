using Compression.Build.Parsing;

namespace Compression.Build.Tests.Parsing;

public class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("2147483648", 2147483648L)]
    [InlineData("256MB", 256L << 20)]
    [InlineData(" 2 gb ", 2L << 30)]
    [InlineData("512KB", 512L << 10)]
    [InlineData("1TB", 1L << 40)]
    [InlineData("10B", 10L)]
    public void Parses_bytes_and_binary_units(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-5")]
    [InlineData("1.5GB")]
    [InlineData("GB")]
    [InlineData("99999999999TB")]
    public void Rejects_anything_else(string text) => Assert.False(ByteSize.TryParse(text, out _));
}

public class MetadataBooleanTests
{
    [Theory]
    [InlineData("", true, true)]
    [InlineData("  ", false, false)]
    [InlineData("false", true, false)]
    [InlineData("FALSE", true, false)]
    [InlineData("True", false, true)]
    public void Empty_is_the_default_and_true_false_in_any_case(string text, bool defaultValue, bool expected)
    {
        Assert.True(MetadataBoolean.TryParse(text, defaultValue, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("0")]
    public void Other_words_are_refused(string text) => Assert.False(MetadataBoolean.TryParse(text, true, out _));
}

public class EngineLocatorTests
{
    [Fact]
    public void The_property_wins_over_the_environment_and_the_environment_over_the_package()
    {
        Assert.Equal("/p/modelc.dll", EngineLocator.ChooseEnginePath("/p/modelc.dll", "/e/modelc.dll", "/pkg/modelc.dll"));
        Assert.Equal("/e/modelc.dll", EngineLocator.ChooseEnginePath(" ", "/e/modelc.dll", "/pkg/modelc.dll"));
        Assert.Equal("/pkg/modelc.dll", EngineLocator.ChooseEnginePath("", null, "/pkg/modelc.dll"));
    }

    [Fact]
    public void The_host_is_DOTNET_HOST_PATH_when_it_exists_else_the_first_dotnet_on_PATH()
    {
        var files = new HashSet<string> { "/host/dotnet", "/b/dotnet", "/c/dotnet" };
        Assert.Equal("/host/dotnet", EngineLocator.FindHost("/host/dotnet", "/a:/b", false, files.Contains));
        Assert.Equal("/b/dotnet", EngineLocator.FindHost("", "/a::/b:/c", false, files.Contains));
        Assert.Equal("/b/dotnet", EngineLocator.FindHost("/gone/dotnet", "/a:/b", false, files.Contains));
        Assert.Null(EngineLocator.FindHost(null, "/a", false, files.Contains));
    }

    [Fact]
    public void On_Windows_PATH_is_split_on_semicolons_and_the_host_is_dotnet_exe()
    {
        var expected = Path.Combine("/x y", "dotnet.exe");
        Assert.Equal(expected, EngineLocator.FindHost(null, "/a;\"/x y\"", true, f => f == expected));
    }
}

public class EngineErrorLineTests
{
    [Fact]
    public void Reads_file_code_and_message()
    {
        Assert.True(EngineErrorLine.TryParse("/src/m.onnx: error MCB1003: not a valid ONNX model: truncated", out var file, out var code, out var message));
        Assert.Equal(("/src/m.onnx", "MCB1003", "not a valid ONNX model: truncated"), (file, code, message));
    }

    [Fact]
    public void A_Windows_path_with_a_drive_colon_stays_whole()
    {
        Assert.True(EngineErrorLine.TryParse(@"C:\src\m.onnx: error MCB1001: missing", out var file, out _, out _));
        Assert.Equal(@"C:\src\m.onnx", file);
    }

    [Fact]
    public void A_line_without_a_file_has_an_empty_file()
    {
        Assert.True(EngineErrorLine.TryParse("error MCB9000: internal error: boom", out var file, out var code, out _));
        Assert.Equal(("", "MCB9000"), (file, code));
    }

    [Theory]
    [InlineData("   at Compression.Engine.Run()")]
    [InlineData("error CS1002: ; expected")]
    [InlineData("Unhandled exception.")]
    public void Other_lines_are_not_engine_errors(string line) => Assert.False(EngineErrorLine.TryParse(line, out _, out _, out _));
}

public class ModelPathsTests
{
    [Fact]
    public void Two_models_with_one_file_name_get_different_stable_folders()
    {
        var a = ModelPaths.FolderName("/p/a/model.onnx");
        var b = ModelPaths.FolderName("/p/b/model.onnx");
        Assert.NotEqual(a, b);
        Assert.Equal(a, ModelPaths.FolderName("/p/a/model.onnx"));
        Assert.Matches("^model-[0-9a-f]{8}$", a);
    }

    [Fact]
    public void The_output_keeps_the_model_name_with_the_onnx_extension()
    {
        Assert.Equal("hello_deepa.onnx", ModelPaths.OutputFileName("/m/hello_deepa.onnx"));
        Assert.Equal("net.onnx", ModelPaths.OutputFileName("/m/net.model"));
    }

    [Fact]
    public void Relative_folders_are_resolved_against_the_project_and_empty_stays_empty()
    {
        Assert.Equal(Path.GetFullPath("/p/data/cal"), ModelPaths.Absolute("/p", "data/cal"));
        Assert.Equal("", ModelPaths.Absolute("/p", " "));
    }
}
