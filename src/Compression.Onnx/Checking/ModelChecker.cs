using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// A structural checker for ONNX models, in the spirit of <c>onnx.checker.check_model</c> (without full_check): the
/// IR version and opset imports, SSA form and topological order of every graph with lexical scoping into subgraphs,
/// well-formed attributes and tensors, typed main-graph inputs and outputs, and model-local functions.
/// <para>
/// Out of scope: operator schemas — whether an op exists at the imported opset version, how many inputs and outputs it
/// takes, which attributes it allows or requires, and type inference. Those need the operator registry, which lives
/// with the executor, not with the file format.
/// </para>
/// <para>
/// Where we differ from ONNX 1.12 on purpose: "" and "ai.onnx" are one domain; a domain imported twice is an error;
/// graph outputs must be defined; ref_attr_name is an error outside functions; duplicate attribute names are an error
/// for every op; tensor data sizes must match their dims; IR versions up to <see cref="MaxIrVersion"/> are accepted.
/// The tests that compare us with ONNX 1.12 list each case.
/// </para>
/// </summary>
public static class ModelChecker
{
    /// <summary>The newest IR version whose fields our onnx.proto declares (ONNX 1.18).</summary>
    public const long MaxIrVersion = 11;

    /// <summary>How many issues <see cref="ThrowIfInvalid"/> puts in its message; the rest are counted.</summary>
    public const int IssuesInMessage = 5;

    public static CheckResult Check(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var issues = new List<CheckIssue>();
        var modelCtx = new CheckContext(model.IrVersion, new OpsetImports(), issues, "model", IsMainGraph: true, InFunction: false);

        if (!model.HasIrVersion || model.IrVersion <= 0)
            modelCtx.Report(CheckRules.IrVersion, "ir_version is missing or not positive.");
        else if (model.IrVersion > MaxIrVersion)
            modelCtx.Report(CheckRules.IrVersion,
                $"ir_version {model.IrVersion} is newer than this checker knows (up to {MaxIrVersion}).");

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
            if (!keys.Add(entry.Key))
                modelCtx.Report(CheckRules.MetadataKey, $"metadata_props has the key '{entry.Key}' more than once.");

        var opsets = ReadOpsets(model, modelCtx);
        var ctx = modelCtx with { Opsets = opsets };

        if (model.Graph is null)
            ctx.Report(CheckRules.GraphName, "the model has no graph.");
        else
            GraphChecker.Check(model.Graph, ctx.At($"graph '{model.Graph.Name}'"), new LexicalScope());

        // IR 8 introduced model-local functions; in older models the field is not part of the format.
        if (model.IrVersion >= 8)
            foreach (var function in model.Functions)
                FunctionChecker.Check(function, ctx);

        return new CheckResult(issues);
    }

    /// <summary>
    /// Checks the model and throws <see cref="ErrorCodes.ModelCheckFailed"/> naming the first few errors when it has any;
    /// repairable deviations (<see cref="CheckRules.Repairable"/>) do not throw and are returned for the caller to repair
    /// and report.
    /// </summary>
    public static CheckResult ThrowIfInvalid(ModelProto model, string? file)
    {
        var result = Check(model);
        var errors = result.Errors;
        if (errors.Count == 0)
            return result;
        var shown = errors.Take(IssuesInMessage).Select(i => i.ToString());
        var more = errors.Count > IssuesInMessage ? $" (and {errors.Count - IssuesInMessage} more)" : "";
        throw new CompressionException(ErrorCodes.ModelCheckFailed,
            $"the model is not a valid ONNX model: {errors.Count} problem(s){more}: {string.Join("; ", shown)}", file);
    }

    private static OpsetImports ReadOpsets(ModelProto model, CheckContext ctx)
    {
        // IR 3 introduced opset_import; before it, the default domain at version 1 was implied and nothing else existed.
        if (model.IrVersion is > 0 and < 3)
        {
            if (model.OpsetImport.Count > 0)
                ctx.Report(CheckRules.OpsetImport, $"IR version {model.IrVersion} predates opset_import, but the model has one.");
            return OpsetImports.DefaultDomainOnly();
        }
        // ONNX 1.12 keeps the last of two imports of one domain without a word; which version is meant is then a guess.
        var opsets = OpsetImports.From(model.OpsetImport, domain =>
            ctx.Report(CheckRules.OpsetDuplicate, $"domain '{domain}' is imported more than once (opset_import)."));
        if (opsets.Count == 0)
            ctx.Report(CheckRules.OpsetImport, "the model imports no operator set (opset_import is empty).");
        return opsets;
    }
}
