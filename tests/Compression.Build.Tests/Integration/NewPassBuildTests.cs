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
        using var copy = new EngineSourceCopy("new-pass");
        var original = File.ReadAllLines(copy.RegistryFile);
        copy.AddPass("ModelNotes", "ModelNotePass.cs", PassSource, RegistrationLine, after: "new(\"int4-weight\"");
        Assert.Equal(original.Length + 1, File.ReadAllLines(copy.RegistryFile).Length);
        Assert.Equal(original, File.ReadAllLines(copy.RegistryFile).Where(l => l != RegistrationLine));
        var engine = await copy.BuildEngineAsync();

        using var app = new ConsumerProject(package).Write(
            "<ModelCompression Include=\"hello_deepa.onnx\" Quantization=\"none\" ModelNote=\"compressed by the new pass\" />",
            $"<ModelCompressionEnginePath>{engine}</ModelCompressionEnginePath>");
        app.AddModel("hello_deepa.onnx");
        (await app.RunAsync("build")).AssertSucceeded();
        var resource = EmbeddedResources.Read(Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll"))["App.Models.hello_deepa.onnx"];
        var model = Compression.Onnx.Protobuf.ModelProto.Parser.ParseFrom(resource);
        Assert.Contains(model.MetadataProps, p => p.Key == "compression.note" && p.Value == "compressed by the new pass");
        var report = File.ReadAllText(Path.Combine(app.Obj(), "compression-report.md"));
        Assert.Contains("1. model-note: model-note", report);
    }
}
