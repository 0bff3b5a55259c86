namespace Compression.Build.Tests.Integration;

/// <summary>Real `dotnet build` of a consumer: each RID embeds the variant of its profile, and the app reads it back.</summary>
[Collection(PackageCollection.Name)]
public sealed class BuildVariantTests(PackageFixture package)
{
    private const string Program = """
        var bytes = App.CompressedModels.HelloDeepa.ReadAllBytes();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Console.WriteLine($"profile={App.CompressedModels.HelloDeepa.Profile} recipe={App.CompressedModels.HelloDeepa.Recipe} bytes={bytes.Length} size={App.CompressedModels.HelloDeepa.CompressedSize} sha-ok={sha == App.CompressedModels.HelloDeepa.Sha256}");
        """;

    [Fact]
    public async Task Each_RuntimeIdentifier_embeds_the_variant_of_its_profile()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" />", program: Program);
        app.AddModel("hello_deepa.onnx");
        var original = new FileInfo(Path.Combine(app.ProjectDirectory, "hello_deepa.onnx")).Length;

        (await app.RunAsync("build")).AssertSucceeded();
        var run = await RunApp(app, Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll"));
        Assert.Contains("profile=portable recipe=int8-weight", run);
        Assert.Contains("sha-ok=True", run);
        var portable = ResourceOf(app, "");
        Assert.True(portable.Length < original, $"the portable variant ({portable.Length} bytes) is not smaller than the model ({original})");

        var expected = new[]
        {
            ("linux-x64", "desktop-x64", new[] { "-r", "linux-x64" }),
            ("linux-arm64", "desktop-arm64", new[] { "-r", "linux-arm64", "-p:UseAppHost=false" }),
            // A plain net10.0 console needs no Android workload when the RID is a property and no apphost is made.
            ("android-arm64", "mobile", new[] { "-p:RuntimeIdentifier=android-arm64", "-p:UseAppHost=false", "-p:SelfContained=false" }),
        };
        foreach (var (rid, profile, arguments) in expected)
        {
            (await app.RunAsync(["build", .. arguments])).AssertSucceeded();
            var accessor = app.Accessor(rid);
            Assert.Equal(profile, ConsumerProject.Constant(accessor, "HelloDeepa", "Profile"));
            // mobile packs with Brotli; the accessor's Sha256 is of the decoded model.
            var packed = profile == "mobile";
            Assert.Equal(packed ? "int8-weight + brotli" : "int8-weight", ConsumerProject.Constant(accessor, "HelloDeepa", "Recipe"));
            var resource = ResourceOf(app, rid);
            var model = packed ? Unpack(resource) : resource;
            Assert.Equal(ConsumerProject.Constant(accessor, "HelloDeepa", "Sha256"), EmbeddedResources.Sha256(model));
        }
    }

    [Fact]
    public async Task Profiles_with_different_recipes_embed_different_bytes()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" />", program: Program);
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        var portable = ResourceOf(app, "");
        (await app.RunAsync("build", "-p:ModelCompressionProfile=gpu")).AssertSucceeded();
        var accessor = app.Accessor();
        Assert.Equal("gpu", ConsumerProject.Constant(accessor, "HelloDeepa", "Profile"));
        Assert.Equal("fp16", ConsumerProject.Constant(accessor, "HelloDeepa", "Recipe"));
        var gpu = ResourceOf(app, "");
        Assert.NotEqual(EmbeddedResources.Sha256(portable), EmbeddedResources.Sha256(gpu));
        Assert.Equal(ConsumerProject.Constant(accessor, "HelloDeepa", "Sha256"), EmbeddedResources.Sha256(gpu));
    }

    [Fact]
    public async Task A_model_with_Embed_false_is_copied_next_to_the_app_and_opened_from_there()
    {
        using var app = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" Embed=\"false\" />", program: Program);
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        var bin = Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0");
        Assert.True(File.Exists(Path.Combine(bin, "Models", "hello_deepa.onnx")));
        Assert.Empty(EmbeddedResources.Read(Path.Combine(bin, "App.dll")));
        Assert.Contains("sha-ok=True", await RunApp(app, Path.Combine(bin, "App.dll")));
    }

    [Fact]
    public async Task The_accessor_compiles_for_netstandard2_0_net472_and_net8_0_libraries_at_CSharp_7_3()
    {
        // C# 7.3 is what .NET Framework and netstandard2.0 projects get by default. net48's reference assemblies are not on
        // this machine's NuGet copy; net472's are, and the accessor uses nothing net48 added (Stream, Assembly resources,
        // File, SHA-256 as a string), so net472 stands in for the .NET Framework consumer.
        const string properties = "<OutputType>Library</OutputType><LangVersion>7.3</LangVersion><ImplicitUsings>disable</ImplicitUsings><Nullable>disable</Nullable>";
        const string code = "namespace App { public static class Use { public static byte[] Bytes() { return CompressedModels.HelloDeepa.ReadAllBytes(); } public static string P() { return CompressedModels.HelloDeepa.Profile; } } }\n";
        using var library = new ConsumerProject(package).Write("<ModelCompression Include=\"hello_deepa.onnx\" />", properties,
            "<TargetFrameworks>netstandard2.0;net472;net8.0</TargetFrameworks>", code);
        library.AddModel("hello_deepa.onnx");
        (await library.RunAsync("build")).AssertSucceeded();
        foreach (var tfm in new[] { "netstandard2.0", "net472", "net8.0" })
        {
            var dll = Path.Combine(library.ProjectDirectory, "bin", "Debug", tfm, "App.dll");
            Assert.Contains("App.Models.hello_deepa.onnx", EmbeddedResources.Read(dll).Keys);
        }
    }

    private static byte[] Unpack(byte[] packed)
    {
        using var decoded = new MemoryStream();
        using (var brotli = new System.IO.Compression.BrotliStream(new MemoryStream(packed), System.IO.Compression.CompressionMode.Decompress))
            brotli.CopyTo(decoded);
        return decoded.ToArray();
    }

    private static byte[] ResourceOf(ConsumerProject app, string rid)
    {
        var dll = Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", rid, "App.dll");
        var resources = EmbeddedResources.Read(dll);
        return Assert.Contains("App.Models.hello_deepa.onnx", resources);
    }

    private static async Task<string> RunApp(ConsumerProject app, string dll)
    {
        var result = await Compression.Testing.ProcessRunner.RunAsync("dotnet", [dll], TimeSpan.FromMinutes(1), ConsumerProject.CleanEnvironment(), app.ProjectDirectory);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput;
    }
}
