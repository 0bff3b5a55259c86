namespace Compression.Testing;

/// <summary>One of the real, third-party models that build/test-assets.sh fetches (see DESIGN.md, "Test assets").</summary>
/// <param name="Name">A stable friendly name for test names and theory data.</param>
/// <param name="FileName">The file name in the asset models folder and in build/test-assets.sha256.</param>
/// <param name="Source">The package and the path inside it, for messages and docs.</param>
public sealed record RealModel(string Name, string FileName, string Source)
{
    /// <summary>The file name of the tokenizer vocabulary the package ships with the model, if any (also in the manifest).</summary>
    public string? Vocabulary { get; init; }

    /// <summary>Another file the package ships with the model and the tests use (a preprocessing model), if any (also in the manifest).</summary>
    public string? Companion { get; init; }

    /// <summary>The files of this model in the assets folder and the manifest: the model, its vocabulary, its companion.</summary>
    public IEnumerable<string> Files => new[] { FileName, Vocabulary, Companion }.OfType<string>();

    /// <summary>Where <see cref="Vocabulary"/> is installed, failing the test with instructions when it is not.</summary>
    public string RequireVocabularyPath() =>
        TestAssets.Require(System.IO.Path.Combine(TestAssets.ModelsFolder, Vocabulary ?? throw new InvalidOperationException($"{Name} has no vocabulary")));

    /// <summary>Where <see cref="Companion"/> is installed, failing the test with instructions when it is not.</summary>
    public string RequireCompanionPath() =>
        TestAssets.Require(System.IO.Path.Combine(TestAssets.ModelsFolder, Companion ?? throw new InvalidOperationException($"{Name} has no companion file")));

    /// <summary>Where the model is installed; may not exist yet (see <see cref="TestAssets.Require"/>).</summary>
    public string Path => System.IO.Path.Combine(TestAssets.ModelsFolder, FileName);

    /// <summary>The path, failing the test with instructions when the model is not installed.</summary>
    public string RequirePath() => TestAssets.Require(Path);

    public override string ToString() => Name;
}
