using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Onnx.Tests.Checking;

/// <summary>
/// ONNX's backend test suite (Debian libonnx-testdata, ONNX 1.12) against ONNX 1.12's own checker: on every model, we
/// must accept exactly what it accepts.
/// </summary>
public class ModelCheckerBackendSuiteTests
{
    private static readonly string[] Suites = ["node", "pytorch-converted", "pytorch-operator", "simple"];

    [Fact]
    public void Accepts_exactly_the_backend_models_that_onnx_checker_accepts()
    {
        Assert.True(Directory.Exists(OnnxPythonOracle.BackendData),
            $"{OnnxPythonOracle.BackendData} is missing: install Debian's libonnx-testdata (build/test-assets.sh).");
        var files = Suites
            .SelectMany(s => Directory.EnumerateDirectories(Path.Combine(OnnxPythonOracle.BackendData, s)))
            .Select(d => Path.Combine(d, "model.onnx"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .ToList();

        var oracle = OnnxPythonOracle.Run("onnx_check_oracle.py", files)
            .Select(line => line.Split('\t'))
            .ToDictionary(f => f[1], f => (Ok: f[0] == "ok", Message: f.Length > 2 ? f[2] : ""));

        var disagreements = new List<string>();
        foreach (var file in files)
        {
            Assert.True(oracle.TryGetValue(file, out var verdict), $"the oracle said nothing about {file}");
            string ours;
            try
            {
                var result = ModelChecker.Check(OnnxModel.Load(file).Proto);
                // Errors and repairable deviations both: ONNX's checker refuses what the engine repairs on load.
                ours = result.IsValid ? "ok" : result.ToString();
            }
            catch (CompressionException e)
            {
                ours = e.ToDiagnosticLine();
            }
            if ((ours == "ok") != verdict.Ok)
                disagreements.Add($"{file}: onnx says {(verdict.Ok ? "ok" : verdict.Message)}; we say {ours}");
        }

        Assert.True(files.Count > 1000, $"only {files.Count} backend models were found");
        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements));
    }
}
