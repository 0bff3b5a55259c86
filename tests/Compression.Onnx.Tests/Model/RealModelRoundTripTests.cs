using Compression.Engine.Pipeline;
using Compression.Engine.Runtime;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Onnx.Tests.Model;

/// <summary>
/// The real models survive the identity compression and external data unchanged in the only sense that matters: ONNX
/// Runtime 1.30 gives byte-identical outputs for the original and our saved copy.
/// </summary>
public class RealModelRoundTripTests
{
    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Profile_none_output_runs_in_onnx_runtime_with_identical_outputs(string name)
    {
        var original = TestAssets.RealModel(name).RequirePath();
        using var temp = new TempFolder("roundtrip");
        var copy = temp.Combine("copy", "model.onnx");
        ModelCompressor.Compress(new CompressionRequest(original, copy, ModelCompressor.IdentityProfile) { OnnxRuntime = OnnxRuntimeOptions.CheckOnly });
        Assert.Equal(ModelProto.Parser.ParseFrom(File.ReadAllBytes(original)), ModelProto.Parser.ParseFrom(File.ReadAllBytes(copy)));

        await AssertSameOutputs(original, copy, temp);
    }

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task A_real_model_saved_with_external_data_runs_in_onnx_runtime_and_round_trips(string name)
    {
        var original = TestAssets.RealModel(name).RequirePath();
        using var temp = new TempFolder("external");
        var external = temp.Combine("external", "model.onnx");
        OnnxModel.Load(original).Save(external, new ModelSaveOptions { ExternalData = ExternalDataMode.Always });
        Assert.True(new FileInfo(external + ".data").Length > new FileInfo(external).Length,
            "most weight bytes should have moved to the data file");
        await AssertSameOutputs(original, external, temp);

        // Back from external data to one file through the identity compression.
        var inline = temp.Combine("inline", "model.onnx");
        ModelCompressor.Compress(new CompressionRequest(external, inline, ModelCompressor.IdentityProfile) { OnnxRuntime = OnnxRuntimeOptions.CheckOnly });
        Assert.False(File.Exists(inline + ".data"));
        Assert.Equal(OnnxModel.Load(original).Proto, OnnxModel.Load(inline).Proto);
        await AssertSameOutputs(original, inline, temp);
    }

    private static async Task AssertSameOutputs(string original, string copy, TempFolder temp)
    {
        var inputs = temp.CreateFolder($"inputs-{Guid.NewGuid():N}");
        await ModelInputs.GenerateAsync(original, inputs, seed: 3);
        var expected = await OnnxRuntimeOracle.RunAsync(original, inputs, temp.Combine($"expected-{Guid.NewGuid():N}"));
        var actual = await OnnxRuntimeOracle.RunAsync(copy, inputs, temp.Combine($"actual-{Guid.NewGuid():N}"));
        Assert.Equal(expected.Outputs.Count, actual.Outputs.Count);
        Assert.NotEmpty(expected.Outputs);
        foreach (var (e, a) in expected.Outputs.Zip(actual.Outputs))
            Assert.Equal(File.ReadAllBytes(e.Path), File.ReadAllBytes(a.Path));
    }
}
