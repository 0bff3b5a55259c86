using Compression.Testing.Conformance;
using Compression.Evaluation.Tensors;
using Compression.Evaluation.Tests.Conformance;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Testing;
using static Compression.Evaluation.Tests.Kernels.ControlFlow.ControlFlowTestModels;

namespace Compression.Evaluation.Tests.Kernels.ControlFlow;

/// <summary>
/// The backend suite's control-flow cases whose other operators are only Add, Identity and Constant, run now with
/// stand-ins for Identity and Constant (the conformance test runs them with the real kernels once those exist).
/// </summary>
public class BackendControlFlowCaseTests
{
    [Theory]
    [InlineData("test_if")]
    [InlineData("test_scan9_sum")]
    [InlineData("test_scan_sum")]
    public void Backend_case_matches_its_expected_outputs(string name)
    {
        var folder = TestAssets.Require(Path.Combine(TestAssets.BackendSuiteRoot, "node", name));
        var model = OnnxModel.Load(Path.Combine(folder, "model.onnx"));
        var set = Path.Combine(folder, "test_data_set_0");
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; File.Exists(Path.Combine(set, $"input_{i}.pb")); i++)
            inputs[model.Graph.Input[i].Name] = TensorConversion.FromProto(TensorProtoFile.Read(Path.Combine(set, $"input_{i}.pb")));

        var actual = Run(model, inputs);

        var outputs = 0;
        for (var i = 0; File.Exists(Path.Combine(set, $"output_{i}.pb")); i++, outputs++)
        {
            var expected = TensorConversion.FromProto(TensorProtoFile.Read(Path.Combine(set, $"output_{i}.pb")));
            var mismatch = TensorComparison.Compare(actual[model.Graph.Output[i].Name], expected, BackendCase.RelativeTolerance, BackendCase.AbsoluteTolerance);
            Assert.True(mismatch is null, $"{name} output {i}: {mismatch}");
        }
        Assert.True(outputs > 0);
    }
}
