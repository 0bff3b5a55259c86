using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Onnx.Checking;

/// <summary>
/// The well-formedness of one attribute, independent of any operator: a name, a type (required from IR 2 on) that agrees
/// with the one value field set, ref_attr_name only where it can mean something, and the tensors and graphs it holds.
/// Whether the operator expects this attribute at all is a schema question and out of scope (see <see cref="ModelChecker"/>).
/// An attribute with a type and no value field is accepted: proto2 writers may omit a default value (0, 0.0, "").
/// </summary>
internal static class AttributeChecker
{
    public static void Check(AttributeProto attr, CheckContext ctx, LexicalScope scope, int nodeIndex)
    {
        var name = attr.Name.Length > 0 ? $"attribute '{attr.Name}'" : "an attribute";
        if (attr.Name.Length == 0)
            ctx.Report(CheckRules.AttributeName, "an attribute has no name.", nodeIndex);
        if (ctx.IrVersion >= 2 && !attr.HasType)
            ctx.Report(CheckRules.AttributeType, $"{name} has no type.", nodeIndex);

        var set = SetFields(attr);
        foreach (var (field, type) in set)
            if (attr.HasType && attr.Type != type)
                ctx.Report(CheckRules.AttributeType, $"{name} is declared {attr.Type} but holds {field} ({type}).", nodeIndex);
        if (set.Count > 1)
            ctx.Report(CheckRules.AttributeValue,
                $"{name} holds more than one value field ({string.Join(", ", set.Select(s => s.Field))}).", nodeIndex);

        // A reference to an attribute of the calling node only has a referent inside a function body. ONNX 1.12 lets one
        // through in a graph when the op's schema does not require the attribute; a runtime would then silently use the
        // default, so we reject it everywhere outside functions.
        if (attr.HasRefAttrName)
        {
            if (!ctx.InFunction)
                ctx.Report(CheckRules.AttributeReference,
                    $"{name} refers to '{attr.RefAttrName}' of a calling node, but it is not inside a function.", nodeIndex);
            else if (set.Count != 0)
                ctx.Report(CheckRules.AttributeReference,
                    $"{name} refers to '{attr.RefAttrName}' and also holds a value of its own.", nodeIndex);
        }

        if (attr.T is not null)
            TensorChecker.Check(attr.T, ctx, $"tensor of {name}");
        for (var k = 0; k < attr.Tensors.Count; k++)
            TensorChecker.Check(attr.Tensors[k], ctx, $"tensor {k} of {name}");
        if (attr.SparseTensor is not null)
            SparseTensorChecker.Check(attr.SparseTensor, ctx, $"sparse tensor of {name}");
        for (var k = 0; k < attr.SparseTensors.Count; k++)
            SparseTensorChecker.Check(attr.SparseTensors[k], ctx, $"sparse tensor {k} of {name}");
        if (attr.G is not null)
            GraphChecker.Check(attr.G, ctx.ForSubgraph($"{ctx.Location} / attribute '{attr.Name}' (graph '{attr.G.Name}')"), new LexicalScope(scope));
        for (var k = 0; k < attr.Graphs.Count; k++)
            GraphChecker.Check(attr.Graphs[k], ctx.ForSubgraph($"{ctx.Location} / attribute '{attr.Name}'[{k}] (graph '{attr.Graphs[k].Name}')"), new LexicalScope(scope));
    }

    private static List<(string Field, AttributeType Type)> SetFields(AttributeProto a)
    {
        var set = new List<(string, AttributeType)>(1);
        if (a.HasF) set.Add(("f", AttributeType.Float));
        if (a.HasI) set.Add(("i", AttributeType.Int));
        if (a.HasS) set.Add(("s", AttributeType.String));
        if (a.T is not null) set.Add(("t", AttributeType.Tensor));
        if (a.G is not null) set.Add(("g", AttributeType.Graph));
        if (a.Tp is not null) set.Add(("tp", AttributeType.TypeProto));
        if (a.SparseTensor is not null) set.Add(("sparse_tensor", AttributeType.SparseTensor));
        if (a.Floats.Count > 0) set.Add(("floats", AttributeType.Floats));
        if (a.Ints.Count > 0) set.Add(("ints", AttributeType.Ints));
        if (a.Strings.Count > 0) set.Add(("strings", AttributeType.Strings));
        if (a.Tensors.Count > 0) set.Add(("tensors", AttributeType.Tensors));
        if (a.Graphs.Count > 0) set.Add(("graphs", AttributeType.Graphs));
        if (a.SparseTensors.Count > 0) set.Add(("sparse_tensors", AttributeType.SparseTensors));
        if (a.TypeProtos.Count > 0) set.Add(("type_protos", AttributeType.TypeProtos));
        return set;
    }
}
