using System.Security.Cryptography;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>The assets the other tests stand on are where TestAssets says and are the bytes the manifest pins.</summary>
public sealed class TestAssetsTests
{
    private static List<(string Hash, string FileName)> ReadManifest() =>
        File.ReadAllLines(TestAssets.ModelManifest)
            .Where(line => line.Trim().Length > 0)
            .Select(line => line.Split("  ", 2))
            .Select(parts => (parts[0], parts[1]))
            .ToList();

    [Fact]
    public void Repo_root_holds_the_solution()
    {
        Assert.True(File.Exists(Path.Combine(TestAssets.RepoRoot, "Compression.Build.sln")));
    }

    [Fact]
    public void Manifest_lists_exactly_the_real_models_and_their_vocabularies_and_companions()
    {
        Assert.Equal(
            TestAssets.AllRealModels.SelectMany(m => m.Files).Order(StringComparer.Ordinal),
            ReadManifest().Select(e => e.FileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Real_model_hashes_match_the_manifest()
    {
        foreach (var (hash, fileName) in ReadManifest())
        {
            var path = TestAssets.Require(Path.Combine(TestAssets.ModelsFolder, fileName));
            using var stream = File.OpenRead(path);
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
    }

    [Fact]
    public void Real_model_names_are_unique()
    {
        Assert.Equal(TestAssets.AllRealModels.Count, TestAssets.AllRealModels.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Backend_suite_has_its_model_cases()
    {
        var models = TestAssets.BackendModels().ToList();

        // ONNX 1.12's suite has about 1,070 model cases in these four groups; far fewer means a broken install.
        Assert.InRange(models.Count, 1000, 2000);
        Assert.All(models, m => Assert.Equal("model.onnx", Path.GetFileName(m)));
        Assert.Contains(models, m => m.EndsWith("/node/test_abs/model.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public void Require_fails_with_the_setup_command_when_an_asset_is_missing()
    {
        var error = Assert.Throws<TestAssetMissingException>(() => TestAssets.Require("/nonexistent/compression-asset.onnx"));

        Assert.Contains("build/test-assets.sh", error.Message, StringComparison.Ordinal);
    }
}
