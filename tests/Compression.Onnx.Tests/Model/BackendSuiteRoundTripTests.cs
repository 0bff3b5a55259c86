using Compression.Engine.Pipeline;
using Compression.Engine.Runtime;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Summary;
using Compression.Testing;

namespace Compression.Onnx.Tests.Model;

/// <summary>
/// Every model of ONNX's backend test suite (libonnx-testdata) loads, is summarised, and survives the identity
/// compression (`--profile none`) with nothing lost: the saved model parses to an equal message, and saving that again
/// gives the same bytes.
/// </summary>
public class BackendSuiteRoundTripTests
{
    [Theory]
    [InlineData("node")]
    [InlineData("pytorch-converted")]
    [InlineData("pytorch-operator")]
    [InlineData("simple")]
    public void Every_backend_model_loads_summarises_and_round_trips_unchanged(string suite)
    {
        var models = TestAssets.BackendModels().Where(p => p.Contains($"/{suite}/", StringComparison.Ordinal)).ToList();
        Assert.True(models.Count >= 20, $"only {models.Count} models found in the {suite} suite: run build/test-assets.sh");
        using var temp = new TempFolder();
        var failures = new List<string>();
        foreach (var path in models)
        {
            try
            {
                var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
                var loaded = OnnxModel.Load(path);
                Assert.Equal(original, loaded.Proto);
                _ = ModelSummarizer.Summarize(loaded.Proto);

                var output = Path.Combine(temp.Path, "out.onnx");
                ModelCompressor.Compress(new CompressionRequest(path, output, ModelCompressor.IdentityProfile) { OnnxRuntime = OnnxRuntimeOptions.CheckOnly });
                var first = File.ReadAllBytes(output);
                var reloaded = OnnxModel.Load(output);
                Assert.Equal(original, reloaded.Proto);
                Assert.Equal(first, reloaded.ToBytes());
            }
            catch (Onnx.Diagnostics.CompressionException e) when (e.Code == "MCB2301" && e.Message.Contains("the original model also fails in it", StringComparison.Ordinal))
            {
                // The suite holds models ONNX Runtime itself does not load (opsets it dropped, training operators):
                // the check refuses them, and blames the original, never a step of the identity plan.
            }
            catch (Exception e)
            {
                failures.Add($"{path}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {models.Count} failed:\n{string.Join('\n', failures.Take(20))}");
    }

    [Fact]
    public void The_backend_suite_has_over_a_thousand_models()
    {
        Assert.True(TestAssets.BackendModels().Count() > 1000);
    }
}
