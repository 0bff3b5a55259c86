using System.Text.Json;
using Compression.Build.Protocol;

namespace Compression.Build.Tests.Json;

public class EngineProtocolTests
{
    [Fact]
    public void The_request_has_the_fields_and_names_of_the_protocol()
    {
        var request = new EngineRequest
        {
            ProjectFile = "/src/App/App.csproj", RuntimeIdentifier = "linux-x64", RuntimeIdentifierGraphPath = "/sdk/rid.json",
            Profile = "", CacheDirectory = "/home/u/.cache/x", MaxCacheBytes = 2147483648, OutputDirectory = "/o", ReportDirectory = "/r",
        };
        var kiosk = new ProfileDefinition { Name = "kiosk", BasedOn = "desktop-x64" };
        kiosk.RuntimeIdentifiers.Add("linux-x64");
        kiosk.Options.Add(new("Quantization", "fp16"));
        request.Profiles.Add(kiosk);
        var model = new ModelRequest { ItemSpec = "Models/f.onnx", FullPath = "/src/App/Models/f.onnx", CalibrationData = "/d" };
        model.Options.Add(new("Quantization", "int8-weight"));
        model.Options.Add(new("Exclude", "Conv_3;Gemm"));
        request.Models.Add(model);

        using var json = JsonDocument.Parse(EngineRequestWriter.Write(request));
        var root = json.RootElement;
        Assert.Equal("/src/App/App.csproj", root.GetProperty("projectFile").GetString());
        Assert.Equal("linux-x64", root.GetProperty("runtimeIdentifier").GetString());
        Assert.Equal("/sdk/rid.json", root.GetProperty("runtimeIdentifierGraphPath").GetString());
        Assert.Equal("", root.GetProperty("profile").GetString());
        Assert.Equal(2147483648, root.GetProperty("maxCacheBytes").GetInt64());
        Assert.Equal("/o", root.GetProperty("outputDirectory").GetString());
        Assert.Equal("/r", root.GetProperty("reportDirectory").GetString());
        var profile = root.GetProperty("profiles")[0];
        Assert.Equal("kiosk", profile.GetProperty("name").GetString());
        Assert.Equal("linux-x64", profile.GetProperty("runtimeIdentifiers")[0].GetString());
        Assert.Equal("desktop-x64", profile.GetProperty("basedOn").GetString());
        Assert.Equal("fp16", profile.GetProperty("options").GetProperty("Quantization").GetString());
        var entry = root.GetProperty("models")[0];
        Assert.Equal("Models/f.onnx", entry.GetProperty("itemSpec").GetString());
        Assert.Equal("int8-weight", entry.GetProperty("options").GetProperty("Quantization").GetString());
        Assert.Equal("Conv_3;Gemm", entry.GetProperty("options").GetProperty("Exclude").GetString());
        Assert.Equal("/d", entry.GetProperty("calibrationData").GetString());
        foreach (var field in new[] { "validationData", "maxAccuracyLoss", "minFidelityDb", "profile", "fullPath" })
        {
            Assert.Equal(JsonValueKind.String, entry.GetProperty(field).ValueKind);
        }
    }

    [Fact]
    public void The_request_carries_the_onnx_runtime_check_as_the_protocol_names_it()
    {
        var request = new EngineRequest { ProjectFile = "/src/App/App.csproj" };
        request.OnnxRuntime.Check = false;
        request.OnnxRuntime.ProjectAssetsFile = "/src/App/obj/project.assets.json";
        request.OnnxRuntime.TargetFramework = "net10.0";
        request.OnnxRuntime.PinnedVersion = "1.32.0";

        using var json = JsonDocument.Parse(EngineRequestWriter.Write(request));
        var ort = json.RootElement.GetProperty("onnxRuntime");
        Assert.Equal(JsonValueKind.False, ort.GetProperty("check").ValueKind);
        Assert.Equal("/src/App/obj/project.assets.json", ort.GetProperty("projectAssetsFile").GetString());
        Assert.Equal("net10.0", ort.GetProperty("targetFramework").GetString());
        Assert.Equal("1.32.0", ort.GetProperty("pinnedVersion").GetString());
    }

    [Fact]
    public void The_response_gives_models_and_diagnostics_and_ignores_unknown_fields()
    {
        var response = EngineResponseReader.Read("""
            { "version": 2,
              "models": [ { "itemSpec": "Models/f.onnx", "outputPath": "/o/f.onnx", "profile": "portable", "recipe": "int8-weight",
                            "originalBytes": 442005, "compressedBytes": 180680, "sha256": "4f0c", "cacheHit": true, "extra": [1, {"x": null}] } ],
              "diagnostics": [ { "severity": "warning", "code": "MCB2101", "file": "/m.onnx", "message": "w" },
                               { "severity": "error", "code": "MCB1003", "file": "", "message": "e" },
                               { "severity": "fatal", "code": "MCB9000", "message": "f" } ] }
            """);
        var model = Assert.Single(response.Models);
        Assert.Equal(("Models/f.onnx", "/o/f.onnx", "portable", "int8-weight"), (model.ItemSpec, model.OutputPath, model.Profile, model.Recipe));
        Assert.Equal((442005L, 180680L, "4f0c", true), (model.OriginalBytes, model.CompressedBytes, model.Sha256, model.CacheHit));
        Assert.Equal(3, response.Diagnostics.Count);
        Assert.False(response.Diagnostics[0].IsError);
        Assert.True(response.Diagnostics[1].IsError);
        Assert.True(response.Diagnostics[2].IsError); // an unknown severity is not allowed to pass as a warning
        Assert.Equal("", response.Diagnostics[2].File);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"models\": {}}")]
    [InlineData("{\"models\": [{\"itemSpec\": \"a\"}]}")]
    [InlineData("{\"models\": [{\"itemSpec\": \"a\", \"outputPath\": \"o\", \"profile\": \"p\", \"recipe\": \"r\", \"originalBytes\": \"1\", \"compressedBytes\": 1, \"sha256\": \"s\"}]}")]
    public void A_response_that_breaks_the_protocol_is_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => EngineResponseReader.Read(text));
}
