using Compression.Testing;

namespace Compression.Onnx.Tests.Checking;

/// <summary>Runs the scripts beside these tests with Debian's python3-onnx 1.12, the reference our checker is compared with.</summary>
internal static class OnnxPythonOracle
{
    public const string BackendData = TestAssets.BackendSuiteRoot;

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Checking", name);

    /// <summary>Runs a script and returns its stdout lines; a failing script fails the test with its stderr.</summary>
    public static IReadOnlyList<string> Run(string script, IEnumerable<string> arguments) =>
        Python.RunAsync(File.ReadAllText(Script(script)), TimeSpan.FromMinutes(5), [.. arguments])
            .GetAwaiter().GetResult()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
