using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;

namespace Compression.Testing.Conformance;

/// <summary>The outcome of one backend-suite case on the executor.</summary>
public enum CaseOutcome { Passed, Failed, Unsupported }

/// <summary>
/// One case of ONNX's backend test suite (a model and its test_data_set_N folders) run on the executor and compared with
/// the expected outputs using the suite's rule: |actual − expected| ≤ atol + rtol·|expected|, rtol 1e-3, atol 1e-7.
/// </summary>
public sealed record BackendCase(string Directory)
{
    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-7;

    public string Name => Path.GetFileName(Directory);

    public string Group => Path.GetFileName(Path.GetDirectoryName(Directory)!);

    /// <summary>Operators the case's main graph uses (the ones a failure or an unsupported case is counted against).</summary>
    public static IReadOnlyList<string> Operators(OnnxModel model) =>
        model.Graph.Node.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Runs the case; <paramref name="transform"/> (e.g. a graph rewrite under test) may replace the model first, and
    /// the operators counted are the original model's.
    /// </summary>
    public (CaseOutcome Outcome, string Detail, IReadOnlyList<string> Operators) Run(int threads = 1, Func<OnnxModel, OnnxModel>? transform = null)
    {
        var original = OnnxModel.Load(Path.Combine(Directory, "model.onnx"));
        var ops = Operators(original);
        var model = transform is null ? original : transform(original);
        ModelExecutor executor;
        try
        {
            executor = new ModelExecutor(model, new ExecutorOptions { Threads = threads });
        }
        catch (UnsupportedOperatorException e)
        {
            return (CaseOutcome.Unsupported, e.Message, ops);
        }
        // Sequence and optional values (a few cases) are outside the executor's tensor world.
        if (model.Graph.Input.Concat(model.Graph.Output).Any(v => v.Type?.TensorType is null))
            return (CaseOutcome.Unsupported, "non-tensor inputs or outputs", ops);

        foreach (var set in System.IO.Directory.GetDirectories(Directory, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var graphInputs = model.Graph.Input.Where(i => executor.Inputs.Contains(i.Name)).ToList();
            for (var i = 0; File.Exists(Path.Combine(set, $"input_{i}.pb")); i++)
            {
                var proto = TensorProtoFile.Read(Path.Combine(set, $"input_{i}.pb"));
                var name = proto.Name.Length > 0 && executor.Inputs.Contains(proto.Name) ? proto.Name : graphInputs[i].Name;
                inputs[name] = TensorConversion.FromProto(proto);
            }
            IReadOnlyDictionary<string, Tensor> actual;
            try
            {
                actual = executor.Run(inputs);
            }
            catch (Exception e)
            {
                return (CaseOutcome.Failed, $"{Path.GetFileName(set)}: {e.GetType().Name}: {e.Message}", ops);
            }
            for (var i = 0; File.Exists(Path.Combine(set, $"output_{i}.pb")); i++)
            {
                var expected = TensorConversion.FromProto(TensorProtoFile.Read(Path.Combine(set, $"output_{i}.pb")));
                var mismatch = TensorComparison.Compare(actual[executor.Outputs[i]], expected, RelativeTolerance, AbsoluteTolerance);
                if (mismatch is not null)
                    return (CaseOutcome.Failed, $"{Path.GetFileName(set)} output {i} ('{executor.Outputs[i]}'): {mismatch}", ops);
            }
        }
        return (CaseOutcome.Passed, "", ops);
    }
}
