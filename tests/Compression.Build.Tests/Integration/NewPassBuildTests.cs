using Compression.Testing;

namespace Compression.Build.Tests.Integration;

/// <summary>
/// The claim of docs/architecture.md, "a new pass is one folder and one registration line", done for real: a copy of
/// the sources gets a trivial technique (a pass that writes a note into the model's metadata, with its own option) in a
/// folder of its own and one line in Pipeline/PassRegistry.cs, nothing else; the copy's engine is built and a real
/// consumer build runs it through the packed package (ModelCompressionEnginePath), item metadata and all.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class NewPassBuildTests(PackageFixture package)
{
    private const string PassSource = """
        using Compression.Engine.Pipeline;
        using Compression.Engine.Recipes;
        using Compression.Onnx.Protobuf;

        namespace Compression.Engine.ModelNotes;

        /// <summary>ModelNote="text": writes the text into the model's metadata under "compression.note".</summary>
        internal sealed class ModelNotePass : ICompressionPass
        {
            public static RecipeOption Option { get; } = RecipeOption.Extension("ModelNote", "--model-note", "any text", "", v => v);

            public string Name => "model-note";

            public PassReport Apply(CompressionContext context)
            {
                context.Model.MetadataProps.Add(new StringStringEntryProto { Key = "compression.note", Value = context.Recipe.Extensions["ModelNote"] });
                return new PassReport(Name, 0, 0, 0, ["note written"]);
            }
        }
        """;

    private const string RegistrationLine =
        "        new(\"model-note\", r => r.Extensions.ContainsKey(\"ModelNote\"), () => new ModelNotes.ModelNotePass()) { Options = [ModelNotes.ModelNotePass.Option] },";

    [Fact]
    public async Task A_pass_added_as_one_folder_and_one_registry_line_runs_through_a_real_build()
    {
        using var copy = new TempFolder("new-pass");
        CopySources(TestAssets.RepoRoot, copy.Path);
        var folder = copy.CreateFolder("src", "Compression.Engine", "ModelNotes");
        File.WriteAllText(Path.Combine(folder, "ModelNotePass.cs"), PassSource);
        var registry = copy.Combine("src", "Compression.Engine", "Pipeline", "PassRegistry.cs");
        var lines = File.ReadAllLines(registry).ToList();
        lines.Insert(lines.FindIndex(l => l.Contains("new(\"int4-weight\"", StringComparison.Ordinal)) + 1, RegistrationLine);
        File.WriteAllLines(registry, lines);
        var original = File.ReadAllLines(Path.Combine(TestAssets.RepoRoot, "src", "Compression.Engine", "Pipeline", "PassRegistry.cs"));
        Assert.Equal(original.Length + 1, File.ReadAllLines(registry).Length);
        Assert.Equal(original, File.ReadAllLines(registry).Where(l => l != RegistrationLine));

        var engine = copy.Combine("engine");
        var built = await ProcessRunner.RunAsync("dotnet", ["build", copy.Combine("src", "Compression.Cli"), "-c", "Release", "-o", engine, "-nodeReuse:false"],
            TimeSpan.FromMinutes(10), ConsumerProject.CleanEnvironment(), copy.Path);
        Assert.True(built.ExitCode == 0, $"the copy's engine did not build:\n{built.StandardOutput}\n{built.StandardError}");

        using var app = new ConsumerProject(package).Write(
            "<ModelCompression Include=\"hello_deepa.onnx\" Quantization=\"none\" ModelNote=\"compressed by the new pass\" />",
            $"<ModelCompressionEnginePath>{Path.Combine(engine, "modelc.dll")}</ModelCompressionEnginePath>");
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        var resource = EmbeddedResources.Read(Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll"))["App.Models.hello_deepa.onnx"];
        var model = Compression.Onnx.Protobuf.ModelProto.Parser.ParseFrom(resource);
        Assert.Contains(model.MetadataProps, p => p.Key == "compression.note" && p.Value == "compressed by the new pass");
        var report = File.ReadAllText(Path.Combine(app.Obj(), "compression-report.md"));
        Assert.Contains("1. model-note: model-note", report);
    }

    /// <summary>What building the engine needs: src/ without build outputs, and the props and SDK pin at the root.</summary>
    private static void CopySources(string root, string target)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
            if (File.Exists(Path.Combine(root, file))) File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        var src = Path.Combine(root, "src");
        foreach (var file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj")) continue;
            var destination = Path.Combine(target, "src", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
