using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// One node apart from its data flow (which <see cref="GraphChecker"/> checks): an op_type, at least one input or
/// output, an opset import for its domain, and well-formed attributes with distinct names. Attribute names must be
/// distinct for every op, also in custom domains, where ONNX 1.12 only finds out through a schema it may not have.
/// </summary>
internal static class NodeChecker
{
    public static void Check(NodeProto node, int index, CheckContext ctx, LexicalScope scope)
    {
        var described = CheckContext.Describe(node, index);
        if (node.OpType.Length == 0)
            ctx.Report(CheckRules.Node, $"{described} has no op_type.", index);
        if (node.Input.Count == 0 && node.Output.Count == 0)
            ctx.Report(CheckRules.Node, $"{described} has neither inputs nor outputs.", index);
        if (!ctx.Opsets.Imports(node.Domain))
            ctx.Report(CheckRules.OpsetDomain,
                $"{described} is in domain '{node.Domain}', which the {(ctx.InFunction ? "function" : "model")} does not import (opset_import).", index);

        var nodeCtx = ctx.At($"{ctx.Location} / {described}");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attr in node.Attribute)
        {
            if (attr.Name.Length > 0 && !names.Add(attr.Name))
                nodeCtx.Report(CheckRules.AttributeName, $"attribute '{attr.Name}' appears more than once.", index);
            AttributeChecker.Check(attr, nodeCtx, scope, index);
        }
    }
}
