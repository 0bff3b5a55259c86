using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Checking;

/// <summary>
/// The form of one TensorProto: a known element type, exactly one data field and the one that type belongs in, and a data
/// size that matches the dims (the last through <see cref="TensorValidation"/>, which loading also uses, so checker and
/// loader can never disagree about sizes). ONNX 1.12 checks the field but not the size; a short raw_data there passes
/// its checker and fails later in a runtime, which is worse.
/// </summary>
internal static class TensorChecker
{
    public static void Check(TensorProto tensor, CheckContext ctx, string what)
    {
        var name = $"{what} '{tensor.Name}'";
        if (!tensor.HasDataType || tensor.DataType == (int)DataType.Undefined)
        {
            ctx.Report(CheckRules.TensorType, $"{name} has no data_type (or UNDEFINED).");
            return;
        }
        if (!ElementTypes.IsKnown(tensor.DataType))
        {
            ctx.Report(CheckRules.TensorType, $"{name} has unknown data_type {tensor.DataType}.");
            return;
        }

        var fields = DataFields(tensor);
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            // After OnnxModel.Load nothing is external any more; this is a proto built or read some other way.
            if (fields.Count != 0)
                ctx.Report(CheckRules.TensorData, $"{name} is stored externally but also holds {fields[0]}.");
            if (!tensor.ExternalData.Any(e => e.Key == "location" && e.Value.Length > 0))
                ctx.Report(CheckRules.TensorData, $"{name} is stored externally but has no location.");
            return;
        }

        long count;
        try
        {
            count = TensorShape.ElementCount(tensor);
        }
        catch (CompressionException e)
        {
            ctx.Report(CheckRules.TensorData, e.Message);
            return;
        }
        if (count == 0 && fields.Count != 0)
        {
            ctx.Report(CheckRules.TensorData, $"{name} has no elements but holds {fields[0]}.");
            return;
        }
        if (count != 0 && fields.Count != 1)
        {
            ctx.Report(CheckRules.TensorData, fields.Count == 0
                ? $"{name} has {count} elements but no data."
                : $"{name} must hold its data in one field but holds {string.Join(" and ", fields)}.");
            return;
        }
        if (count == 0)
            return;
        var type = (DataType)tensor.DataType;
        if (fields[0] == "raw_data")
        {
            if (type == DataType.String)
            {
                ctx.Report(CheckRules.TensorData, $"{name} is a string tensor; strings cannot be stored in raw_data.");
                return;
            }
        }
        else if (TypedField(type) is { } expected && fields[0] != expected)
        {
            ctx.Report(CheckRules.TensorData,
                $"{name} of type {ElementTypes.Name(tensor)} must store its values in {expected}, not {fields[0]}.");
            return;
        }

        try
        {
            TensorValidation.Validate(tensor, null);
        }
        catch (CompressionException e)
        {
            ctx.Report(CheckRules.TensorData, e.Message);
        }
    }

    /// <summary>The non-empty data fields, in proto order; an empty repeated field counts as unset, as in ONNX.</summary>
    private static List<string> DataFields(TensorProto t)
    {
        var fields = new List<string>(1);
        if (t.FloatData.Count > 0) fields.Add("float_data");
        if (t.Int32Data.Count > 0) fields.Add("int32_data");
        if (t.StringData.Count > 0) fields.Add("string_data");
        if (t.Int64Data.Count > 0) fields.Add("int64_data");
        if (t.HasRawData && t.RawData.Length > 0) fields.Add("raw_data");
        if (t.DoubleData.Count > 0) fields.Add("double_data");
        if (t.Uint64Data.Count > 0) fields.Add("uint64_data");
        return fields;
    }

    /// <summary>The typed field onnx.proto assigns to each element type (the comments on TensorProto's data fields).</summary>
    private static string? TypedField(DataType type) => type switch
    {
        DataType.Float or DataType.Complex64 => "float_data",
        DataType.Double or DataType.Complex128 => "double_data",
        DataType.Int64 => "int64_data",
        DataType.Uint32 or DataType.Uint64 => "uint64_data",
        DataType.String => "string_data",
        DataType.Undefined => null,
        // Every narrower type, the 16-bit floats, the 8-bit floats and the packed 4-bit types live in int32_data.
        _ => "int32_data",
    };
}
