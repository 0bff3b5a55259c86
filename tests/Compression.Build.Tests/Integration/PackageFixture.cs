using Compression.Testing;

namespace Compression.Build.Tests.Integration;

/// <summary>
/// Packs Compression.Build once per test run into a temporary local feed, with a fresh NUGET_PACKAGES folder and a
/// fresh model cache, so every consumer build restores exactly the package this run made.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _root = new("package-feed");

    public string Feed => _root.Combine("feed");
    public string NuGetPackages => _root.Combine("nuget-packages");
    public string Cache => _root.Combine("model-cache");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var project = Path.Combine(TestAssets.RepoRoot, "src", "Compression.Build");
        var result = await ProcessRunner.RunAsync("dotnet", ["pack", project, "-c", "Release", "-o", Feed, "-nodeReuse:false"],
            TimeSpan.FromMinutes(8), ConsumerProject.CleanEnvironment(), TestAssets.RepoRoot);
        Assert.True(result.ExitCode == 0, $"dotnet pack failed:\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Single(Directory.GetFiles(Feed, "Compression.Build.*.nupkg"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // xunit disposes a fixture after DisposeAsync; the folder goes here so that the type says it owns it.
    public void Dispose() => _root.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "Compression.Build package";
}
