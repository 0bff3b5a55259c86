using Compression.Onnx.Checking;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Tests.Checking;

/// <summary>
/// Broken variants of real backend models (made by make_invalid_models.py) judged by ONNX 1.12's checker and by ours.
/// Every mutation has a decision here: the rule we must report (or acceptance), the load error when the loader already
/// refuses the file, and — where we differ from ONNX 1.12 on purpose — the reason.
/// </summary>
public sealed class ModelCheckerMutationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "checker-mutations-" + Guid.NewGuid().ToString("N"));

    /// <param name="Rule">The rule our checker must report; null when it must accept the model.</param>
    /// <param name="LoadError">The code OnnxModel.Load must refuse the file with, when it must.</param>
    /// <param name="OnnxDiffers">Why ONNX 1.12 decides the other way; null when it agrees with us.</param>
    private sealed record Decision(string? Rule, string? LoadError = null, string? OnnxDiffers = null);

    private static readonly Dictionary<string, Decision> Decisions = new()
    {
        ["missing_ir_version"] = new(CheckRules.IrVersion),
        ["ir_version_from_the_future"] = new(CheckRules.IrVersion),
        ["no_opset_import"] = new(CheckRules.OpsetImport),
        ["opset_import_with_ir2"] = new(CheckRules.OpsetImport),
        ["duplicate_opset_domain"] = new(CheckRules.OpsetDuplicate,
            OnnxDiffers: "ONNX 1.12 silently keeps the last import; with two versions which one is meant is a guess."),
        ["duplicate_metadata_key"] = new(CheckRules.MetadataKey),
        ["node_domain_not_imported"] = new(CheckRules.OpsetDomain),
        ["node_domain_ai_onnx_with_default_import"] = new(null,
            OnnxDiffers: "\"ai.onnx\" is the name of the default domain \"\"; ONNX Runtime treats them as one, 1.12 compares strings."),
        ["default_domain_imported_as_ai_onnx"] = new(null,
            OnnxDiffers: "the same: importing \"ai.onnx\" imports the default domain; later ONNX versions accept this too."),
        ["node_input_before_definition"] = new(CheckRules.UndefinedInput),
        ["node_input_never_defined"] = new(CheckRules.UndefinedInput),
        ["optional_input_left_empty"] = new(null),
        ["duplicate_node_output"] = new(CheckRules.Ssa),
        ["node_output_redefines_graph_input"] = new(CheckRules.Ssa),
        ["node_output_redefines_initializer"] = new(CheckRules.Ssa),
        ["duplicate_graph_input"] = new(CheckRules.Ssa),
        ["duplicate_initializer"] = new(CheckRules.InitializerName),
        ["initializer_not_an_input_ir7"] = new(null),
        ["initializer_not_an_input_ir3"] = new(CheckRules.InitializerInput),
        ["graph_output_undefined"] = new(CheckRules.GraphOutput,
            OnnxDiffers: "an output nothing defines has no value; ONNX 1.12 does not look, later ONNX versions reject it."),
        ["graph_name_empty"] = new(CheckRules.GraphName),
        ["main_input_without_type"] = new(CheckRules.ValueType),
        ["main_input_without_shape"] = new(CheckRules.ValueType),
        ["node_without_inputs_or_outputs"] = new(CheckRules.Node),
        ["node_without_op_type"] = new(CheckRules.Node),
        ["attribute_type_mismatch"] = new(CheckRules.AttributeType),
        ["attribute_without_type"] = new(CheckRules.AttributeType),
        ["attribute_duplicated"] = new(CheckRules.AttributeName),
        ["attribute_name_empty"] = new(CheckRules.AttributeName),
        ["attribute_with_two_values"] = new(CheckRules.AttributeValue),
        ["attribute_ref_outside_function"] = new(CheckRules.AttributeReference,
            OnnxDiffers: "outside a function nothing can resolve the reference; 1.12 lets it pass when the schema does not require the attribute, and the op then silently runs with the default."),
        ["subgraph_attribute_type_mismatch"] = new(CheckRules.AttributeType),
        ["subgraph_uses_outer_value_defined_before"] = new(null),
        ["subgraph_uses_outer_value_defined_after"] = new(CheckRules.UndefinedInput),
        ["outer_graph_uses_inner_name"] = new(CheckRules.UndefinedInput),
        ["subgraph_output_undefined"] = new(CheckRules.GraphOutput,
            OnnxDiffers: "as for the main graph: a branch output nothing defines has no value."),
        ["subgraph_name_empty"] = new(CheckRules.GraphName),
        ["subgraph_node_output_shadows_outer_value"] = new(CheckRules.Ssa),
        ["subgraph_input_shadows_outer_value"] = new(null),
        ["subgraph_input_before_definition"] = new(CheckRules.UndefinedInput),
        ["subgraph_duplicate_output_name"] = new(CheckRules.Ssa),
        ["initializer_raw_data_too_short"] = new(CheckRules.TensorData, ErrorCodes.TensorDataSizeMismatch,
            OnnxDiffers: "1.12 checks which field holds the data, not how much; a short tensor would be read past its end."),
        ["initializer_with_two_data_fields"] = new(CheckRules.TensorData),
        ["initializer_undefined_data_type"] = new(CheckRules.TensorType, ErrorCodes.TensorElementTypeUnsupported),
        ["initializer_without_name"] = new(CheckRules.InitializerName),
        ["initializer_in_wrong_field"] = new(CheckRules.TensorData, ErrorCodes.TensorDataSizeMismatch),
        ["constant_tensor_string_in_raw_data"] = new(CheckRules.TensorData, ErrorCodes.TensorDataSizeMismatch),
    };

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Every_mutation_gets_the_decision_written_down_here_and_onnx_agrees_except_where_noted()
    {
        var manifest = OnnxPythonOracle.Run("make_invalid_models.py", [OnnxPythonOracle.BackendData, _folder])
            .Select(line => line.Split('\t'))
            .ToDictionary(f => f[0], f => (Ok: f[1] == "ok", Message: f.Length > 2 ? f[2] : ""));

        Assert.True(manifest.Count >= 30, $"only {manifest.Count} mutations were made");
        Assert.Equal(Decisions.Keys.Order(StringComparer.Ordinal), manifest.Keys.Order(StringComparer.Ordinal));

        var failures = new List<string>();
        foreach (var (name, oracle) in manifest)
        {
            var decision = Decisions[name];
            var file = Path.Combine(_folder, name + ".onnx");

            var weAccept = decision.Rule is null;
            var onnxShouldAccept = decision.OnnxDiffers is null ? weAccept : !weAccept;
            if (oracle.Ok != onnxShouldAccept)
                failures.Add($"{name}: expected ONNX 1.12 to {(onnxShouldAccept ? "accept" : "reject")} it, but it said {(oracle.Ok ? "ok" : oracle.Message)}");

            ModelProto proto;
            try
            {
                proto = OnnxModel.Load(file).Proto;
                if (decision.LoadError is not null)
                    failures.Add($"{name}: expected the loader to refuse it with {decision.LoadError}, but it loaded");
            }
            catch (CompressionException e)
            {
                if (e.Code != decision.LoadError)
                    failures.Add($"{name}: the loader refused it with {e.Code} ({e.Message}), expected {decision.LoadError ?? "no error"}");
                // The checker must also see the problem on its own, for protos that never went through the loader.
                proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
            }

            var result = ModelChecker.Check(proto);
            if (weAccept && !result.IsValid)
                failures.Add($"{name}: expected valid, got {result}");
            if (!weAccept && !result.Has(decision.Rule!))
                failures.Add($"{name}: expected rule {decision.Rule}, got {result}");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
