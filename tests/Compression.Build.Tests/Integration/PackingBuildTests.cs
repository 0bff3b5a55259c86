namespace Compression.Build.Tests.Integration;

/// <summary>Packing=brotli through a real build: fewer bytes embedded, and the app reads back the exact ONNX bytes.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackingBuildTests(PackageFixture package)
{
    private const string Program = """
        var bytes = App.CompressedModels.HelloDeepa.ReadAllBytes();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Console.WriteLine($"packed={App.CompressedModels.HelloDeepa.IsPacked} bytes={bytes.Length} sha-ok={sha == App.CompressedModels.HelloDeepa.Sha256} onnx={bytes[0] == 0x08}");
        """;

    [Fact]
    public async Task A_net10_consumer_with_Packing_brotli_embeds_fewer_bytes_and_reads_the_exact_model_back()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" Pruning=\"0.5\" Packing=\"brotli\" />", program: Program);
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        var packedResource = EmbeddedResources.Read(Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll"))["App.Models.hello_deepa.onnx"];
        var accessor = app.Accessor();
        Assert.Contains("public const bool IsPacked = true;", accessor, StringComparison.Ordinal);
        Assert.NotEqual(ConsumerProject.Constant(accessor, "HelloDeepa", "Sha256"), EmbeddedResources.Sha256(packedResource));

        var result = await Compression.Testing.ProcessRunner.RunAsync("dotnet", [Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll")],
            TimeSpan.FromMinutes(1), ConsumerProject.CleanEnvironment(), app.ProjectDirectory);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("packed=True", result.StandardOutput);
        Assert.Contains("sha-ok=True", result.StandardOutput);
        Assert.Contains("onnx=True", result.StandardOutput);
        var decodedLength = long.Parse(System.Text.RegularExpressions.Regex.Match(result.StandardOutput, "bytes=(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(packedResource.Length < decodedLength, $"embedded {packedResource.Length} bytes for a {decodedLength}-byte model");

        // Without packing the same recipe embeds the ONNX bytes themselves.
        app.Write("<ModelCompression Include=\"hello_deepa.onnx\" Pruning=\"0.5\" />", program: Program);
        (await app.RunAsync("build")).AssertSucceeded();
        var plain = EmbeddedResources.Read(Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll"))["App.Models.hello_deepa.onnx"];
        Assert.Equal(decodedLength, plain.Length);
        Assert.True(packedResource.Length < plain.Length);
    }

    [Fact]
    public async Task A_packed_accessor_compiles_for_netstandard2_0_and_net472_at_CSharp_7_3()
    {
        const string properties = "<OutputType>Library</OutputType><LangVersion>7.3</LangVersion><ImplicitUsings>disable</ImplicitUsings><Nullable>disable</Nullable>";
        const string code = "namespace App { public static class Use { public static byte[] Bytes() { return CompressedModels.HelloDeepa.ReadAllBytes(); } public static bool P() { return CompressedModels.HelloDeepa.IsPacked; } } }\n";
        using var library = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" Packing=\"brotli\" />", properties,
            "<TargetFrameworks>netstandard2.0;net472</TargetFrameworks>", code);
        library.AddModel("hello_deepa.onnx");
        (await library.RunAsync("build")).AssertSucceeded();
        Assert.Contains("public const bool IsPacked = true;", library.Accessor(tfm: "net472"), StringComparison.Ordinal);
    }
}
