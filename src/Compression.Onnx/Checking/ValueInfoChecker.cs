using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// Graph inputs and outputs. Every one needs a name. Those of the main graph are the model's interface, so they need a
/// complete type: a tensor's element type and shape field (the shape may have no dims, or symbolic ones, but must be
/// there), a sequence's or optional's element type, a map's key and value types — what ONNX's checker requires, for every
/// IR version. Subgraph inputs and outputs may leave types to inference (Loop and Scan bodies often do), so only their
/// names are checked. graph.value_info is a cache of inferred types that ONNX's checker does not validate either.
/// </summary>
internal static class ValueInfoChecker
{
    public static void Check(ValueInfoProto value, CheckContext ctx, string role)
    {
        if (value.Name.Length == 0)
        {
            ctx.Report(CheckRules.ValueName, $"a graph {role} has no name.");
            return;
        }
        if (!ctx.IsMainGraph)
            return;
        var missing = MissingPart(value.Type);
        if (missing is not null)
            ctx.Report(CheckRules.ValueType, $"graph {role} '{value.Name}' {missing}.");
    }

    private static string? MissingPart(TypeProto? type)
    {
        if (type is null)
            return "has no type";
        return type.ValueCase switch
        {
            TypeProto.ValueOneofCase.TensorType when !type.TensorType.HasElemType => "has a tensor type without elem_type",
            TypeProto.ValueOneofCase.TensorType when type.TensorType.Shape is null => "has a tensor type without shape",
            TypeProto.ValueOneofCase.TensorType => null,
            TypeProto.ValueOneofCase.SparseTensorType when !type.SparseTensorType.HasElemType => "has a sparse tensor type without elem_type",
            TypeProto.ValueOneofCase.SparseTensorType when type.SparseTensorType.Shape is null => "has a sparse tensor type without shape",
            TypeProto.ValueOneofCase.SparseTensorType => null,
            TypeProto.ValueOneofCase.SequenceType when type.SequenceType.ElemType is null => "has a sequence type without elem_type",
            TypeProto.ValueOneofCase.SequenceType => null,
            TypeProto.ValueOneofCase.OptionalType when type.OptionalType.ElemType is null => "has an optional type without elem_type",
            TypeProto.ValueOneofCase.OptionalType => null,
            TypeProto.ValueOneofCase.MapType when !type.MapType.HasKeyType || type.MapType.ValueType is null =>
                "has a map type without key_type or value_type",
            TypeProto.ValueOneofCase.MapType => null,
            _ => "has a type of no known kind",
        };
    }
}
