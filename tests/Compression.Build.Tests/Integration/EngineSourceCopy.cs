using Compression.Testing;

namespace Compression.Build.Tests.Integration;

/// <summary>
/// A copy of the repository's sources in a temporary folder, changed the way docs/architecture.md says a pass is added
/// (one folder, one line in Pipeline/PassRegistry.cs), whose engine is built so that a real consumer build can run it
/// through <c>ModelCompressionEnginePath</c>.
/// </summary>
internal sealed class EngineSourceCopy : IDisposable
{
    private readonly TempFolder _folder;

    public EngineSourceCopy(string prefix)
    {
        _folder = new TempFolder(prefix);
        CopySources(TestAssets.RepoRoot, _folder.Path);
    }

    public string RegistryFile => _folder.Combine("src", "Compression.Engine", "Pipeline", "PassRegistry.cs");

    /// <summary>Adds <paramref name="source"/> as src/Compression.Engine/<paramref name="folder"/>/<paramref name="fileName"/>
    /// and <paramref name="registrationLine"/> to the registry after the line containing <paramref name="after"/>.</summary>
    public EngineSourceCopy AddPass(string folder, string fileName, string source, string registrationLine, string after)
    {
        File.WriteAllText(Path.Combine(_folder.CreateFolder("src", "Compression.Engine", folder), fileName), source);
        var lines = File.ReadAllLines(RegistryFile).ToList();
        var index = lines.FindIndex(l => l.Contains(after, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no registry line contains {after}");
        lines.Insert(index + 1, registrationLine);
        File.WriteAllLines(RegistryFile, lines);
        return this;
    }

    /// <summary>Builds the copy's engine and returns the path of its modelc.dll.</summary>
    public async Task<string> BuildEngineAsync()
    {
        var engine = _folder.Combine("engine");
        var built = await ProcessRunner.RunAsync("dotnet", ["build", _folder.Combine("src", "Compression.Cli"), "-c", "Release", "-o", engine, "-nodeReuse:false"],
            TimeSpan.FromMinutes(10), ConsumerProject.CleanEnvironment(), _folder.Path);
        Assert.True(built.ExitCode == 0, $"the copy's engine did not build:\n{built.StandardOutput}\n{built.StandardError}");
        return Path.Combine(engine, "modelc.dll");
    }

    public void Dispose() => _folder.Dispose();

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
