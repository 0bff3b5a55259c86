using System.Text.RegularExpressions;
using Compression.Testing;

namespace Compression.Build.Tests.Integration;

/// <summary>A consumer project in a temporary folder that references the package from the fixture's feed.</summary>
internal sealed partial class ConsumerProject : IDisposable
{
    private readonly TempFolder _folder;
    private readonly PackageFixture _package;

    public ConsumerProject(PackageFixture package, string name = "App")
    {
        _package = package;
        _folder = new TempFolder("consumer");
        Name = name;
        File.WriteAllText(_folder.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="compression-build-local" value="{package.Feed}" />
              </packageSources>
            </configuration>
            """);
        CacheDirectory = package.Cache;
    }

    public string Root => _folder.Path;
    public string Name { get; }
    public string ProjectDirectory => _folder.Combine(Name);
    public string ProjectFile => Path.Combine(ProjectDirectory, Name + ".csproj");
    public string CacheDirectory { get; set; }

    /// <summary>Writes a project (and its Program.cs) with the given ModelCompression items and extra properties.</summary>
    public ConsumerProject Write(string items, string properties = "", string targetFramework = "<TargetFramework>net10.0</TargetFramework>", string? program = null, string? projectName = null)
    {
        var directory = projectName is null ? ProjectDirectory : _folder.Combine(projectName);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, (projectName ?? Name) + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                {targetFramework}
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Compression.Build" Version="1.*" />
                {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program ?? "System.Console.WriteLine(\"ok\");\n");
        return this;
    }

    /// <summary>Copies a real model into the project folder under <paramref name="name"/>.</summary>
    public string AddModel(string realModel, string? name = null, string? folder = null)
    {
        var target = Path.Combine(folder ?? ProjectDirectory, name ?? realModel);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(TestAssets.Require(Path.Combine(TestAssets.ModelsFolder, realModel)), target, overwrite: true);
        return target;
    }

    /// <summary>Runs a dotnet command in the project folder; detailed verbosity so skipped targets are visible.</summary>
    public Task<BuildResult> RunAsync(params string[] arguments) => RunAsync(arguments, started: null);

    /// <summary>
    /// As <see cref="RunAsync(string[])"/>, with the running dotnet process handed to <paramref name="started"/> (to be
    /// interrupted): where this process ignores SIGINT, as everything started in the background by a non-interactive
    /// shell does, the child would inherit that and .NET would never see a Ctrl+C, so it starts through
    /// `env --default-signal=INT`, which execs dotnet (same pid) with SIGINT's default restored.
    /// </summary>
    public async Task<BuildResult> RunAsync(string[] arguments, Action<System.Diagnostics.Process>? started)
    {
        var errorLog = _folder.Combine($"errors-{Guid.NewGuid():N}.log");
        var warningLog = _folder.Combine($"warnings-{Guid.NewGuid():N}.log");
        var all = arguments.Concat(["-nodeReuse:false", "-v:d", $"-flp:errorsonly;logfile={errorLog}", $"-flp2:warningsonly;logfile={warningLog}"]).ToList();
        var environment = CleanEnvironment();
        environment["NUGET_PACKAGES"] = _package.NuGetPackages;
        environment["ModelCompressionCacheDir"] = CacheDirectory;
        var (program, programArguments) = started is not null && InterruptIgnored() ? ("env", new[] { "--default-signal=INT", "dotnet" }.Concat(all).ToList()) : ("dotnet", all);
        var result = await ProcessRunner.RunAsync(program, programArguments, TimeSpan.FromMinutes(5), environment, ProjectDirectory, started: started);
        // Detailed verbosity prefixes each line with its node and project ("   1:7>"); the error itself follows.
        List<string> Lines(string log) => File.Exists(log)
            ? File.ReadAllLines(log).Where(l => l.Trim().Length > 0).Select(l => NodePrefix().Replace(l, "")).ToList()
            : [];
        return new BuildResult(result.ExitCode, result.StandardOutput + result.StandardError, Lines(errorLog)) { Warnings = Lines(warningLog) };
    }

    public string Obj(string rid = "", string tfm = "net10.0") =>
        Path.Combine(ProjectDirectory, "obj", "Debug", tfm, rid, "ModelCompression");

    public string Accessor(string rid = "", string tfm = "net10.0") => File.ReadAllText(Path.Combine(Obj(rid, tfm), "CompressedModels.g.cs"));

    /// <summary>The string constant <paramref name="member"/> of the model's nested class in the generated accessor.</summary>
    public static string Constant(string accessor, string className, string member)
    {
        var start = accessor.IndexOf($"class {className}\n", StringComparison.Ordinal);
        if (start < 0) start = accessor.IndexOf($"class {className}\r\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no class {className} in the accessor:\n{accessor}");
        var match = ConstantPattern().Match(accessor, start);
        while (match.Success && match.Groups["name"].Value != member) match = match.NextMatch();
        Assert.True(match.Success, $"no {member} in {className}");
        return match.Groups["value"].Value.Trim('"').TrimEnd('L');
    }

    /// <summary>Whether SIGINT (bit 1 of the SigIgn mask) is ignored by this process, on Linux.</summary>
    private static bool InterruptIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return false;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    /// <summary>The environment of a child dotnet: without the variables `dotnet test` sets for its own MSBuild.</summary>
    public static Dictionary<string, string?> CleanEnvironment() => new()
    {
        ["MSBuildSDKsPath"] = null, ["MSBUILD_EXE_PATH"] = null, ["MSBuildExtensionsPath"] = null,
        ["MSBuildLoadMicrosoftTargetsReadOnly"] = null, ["DOTNET_HOST_PATH"] = null, ["MODELC_ENGINE_PATH"] = null,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    /// <summary>Cache entries are folders two levels down: &lt;first two hex&gt;/&lt;key&gt;/ (docs/build-protocol.md); ".…tmp" folders are writes in flight.</summary>
    public static int CacheEntries(string cache) => !Directory.Exists(cache) ? 0 :
        Directory.GetDirectories(cache).Where(d => Path.GetFileName(d).Length == 2).SelectMany(Directory.GetDirectories).Count(d => !Path.GetFileName(d).StartsWith('.'));

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex(@"^\s*\d+:\d+>")]
    private static partial Regex NodePrefix();

    [GeneratedRegex("public const (?:string|long) (?<name>\\w+) = (?<value>[^;]*);")]
    private static partial Regex ConstantPattern();
}

/// <summary>A finished dotnet command: exit code, its whole output, and the errors and warnings the file loggers saw (each once).</summary>
internal sealed record BuildResult(int ExitCode, string Output, IReadOnlyList<string> Errors)
{
    /// <summary>The warnings the file logger saw, each once.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>How many times the engine was started (ToolTask logs each command line).</summary>
    public int EngineRuns => Output.Split('\n').Count(l => l.Contains("modelc.dll build --request", StringComparison.Ordinal));

    public int CompressionsSkipped => Skipped("_ModelCompressionCompress");

    /// <summary>How many times MSBuild skipped <paramref name="target"/> (or one of its batches) as up to date.</summary>
    public int Skipped(string target) => Output.Split('\n').Count(l =>
        l.Contains($"Skipping target \"{target}\" because all output files are up-to-date", StringComparison.Ordinal));

    public void AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"the build failed:\n{string.Join("\n", Errors)}\n{Tail(Output)}");
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;
}
