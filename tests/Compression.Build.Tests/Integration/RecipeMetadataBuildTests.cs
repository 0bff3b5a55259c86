using Compression.Onnx.Model;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Build.Tests.Integration;

/// <summary>
/// Recipe metadata through a real build: every option the engine knows reaches it from an item and from a project
/// profile (ReduceRange was once dropped on the way), and metadata nobody reads is a coded warning, not silence.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class RecipeMetadataBuildTests(PackageFixture package)
{
    [Fact]
    public async Task ReduceRange_as_item_metadata_and_in_a_project_profile_embeds_7_bit_weights_and_a_typo_is_MCB2003()
    {
        using var app = new ConsumerProject(package).Write("""
            <ModelCompressionProfile Include="seven-bit" BasedOn="portable" ReduceRange="true" />
            <ModelCompression Include="plain.onnx" Quantisation="int8" />
            <ModelCompression Include="reduced.onnx" ReduceRange="true" />
            <ModelCompression Include="profiled.onnx" Profile="seven-bit" />
            """);
        foreach (var name in new[] { "plain.onnx", "reduced.onnx", "profiled.onnx" }) app.AddModel("hello_deepa.onnx", name);

        var build = await app.RunAsync("build");
        build.AssertSucceeded();
        var resources = EmbeddedResources.Read(Path.Combine(app.ProjectDirectory, "bin", "Debug", "net10.0", "App.dll"));
        int Largest(string name) => OnnxModel.Load(resources[$"App.Models.{name}"]).Graph.Initializer
            .Where(t => t.DataType == (int)DataType.Int8).SelectMany(t => TensorData.Read<sbyte>(t)).Max(v => Math.Abs((int)v));

        // Symmetric per-channel int8 puts each channel's largest weight at ±127; 7-bit weights stop at ±64.
        Assert.Equal(127, Largest("plain.onnx"));
        Assert.InRange(Largest("reduced.onnx"), 1, 64);
        Assert.InRange(Largest("profiled.onnx"), 1, 64);

        // The typo leaves plain.onnx with the profile's recipe, and says so once, with its code and the name meant.
        var warning = Assert.Single(build.Warnings, l => l.Contains("warning MCB", StringComparison.Ordinal));
        Assert.StartsWith(app.ProjectFile, warning);
        Assert.Contains("warning MCB2003", warning);
        Assert.Contains("'Quantisation'", warning);
        Assert.Contains("'Quantization'", warning);
        Assert.Contains("plain.onnx", warning);
    }
}
