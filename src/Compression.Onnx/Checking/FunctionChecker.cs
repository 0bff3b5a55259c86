using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// Model-local functions (IR 8 and later). A function body is a closed scope: its nodes see only the function's inputs
/// and earlier nodes' outputs, never the main graph's values, and they resolve domains through the function's own
/// opset_import. Attributes in the body may refer to the calling node's attributes (ref_attr_name).
/// Whether the function's opset versions agree with the model's for each op is a schema question, out of scope here.
/// </summary>
internal static class FunctionChecker
{
    public static void Check(FunctionProto function, CheckContext modelCtx)
    {
        var ctx = modelCtx with
        {
            Location = $"function '{function.Domain}.{function.Name}'",
            Opsets = OpsetImports.From(function.OpsetImport, null),
            IsMainGraph = false,
            InFunction = true,
        };
        if (function.Name.Length == 0)
            ctx.Report(CheckRules.Function, "the function has no name.");
        if (!function.HasDomain)
            ctx.Report(CheckRules.Function, "the function has no domain, which IR 8 and later require.");
        ReportRepeats(function.Input, "input", ctx);
        ReportRepeats(function.Output, "output", ctx);
        ReportRepeats(function.Attribute.Concat(function.AttributeProto.Select(a => a.Name)), "attribute", ctx);

        var scope = new LexicalScope();
        foreach (var input in function.Input)
            scope.Add(input);
        for (var index = 0; index < function.Node.Count; index++)
        {
            var node = function.Node[index];
            foreach (var input in node.Input)
                if (input.Length > 0 && !scope.DefinesHere(input))
                    ctx.Report(CheckRules.UndefinedInput,
                        $"{CheckContext.Describe(node, index)} uses '{input}', which is neither a function input nor an output of an earlier node.",
                        index);
            NodeChecker.Check(node, index, ctx, scope);
            foreach (var output in node.Output)
            {
                if (output.Length == 0) continue;
                if (scope.DefinesHere(output))
                    ctx.Report(CheckRules.Ssa, $"{CheckContext.Describe(node, index)} defines '{output}' a second time.", index);
                scope.Add(output);
            }
        }
        foreach (var output in function.Output)
            if (output.Length > 0 && !scope.DefinesHere(output))
                ctx.Report(CheckRules.GraphOutput, $"function output '{output}' is not an input or a node output of the function.");
    }

    private static void ReportRepeats(IEnumerable<string> names, string role, CheckContext ctx)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (!seen.Add(name))
                ctx.Report(CheckRules.Function, $"function {role} '{name}' is listed more than once.");
    }
}
