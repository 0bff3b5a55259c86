using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using AttributeType = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Compression.Engine.Preprocessing.OpsetConversion;

/// <summary>The rewrites behind the version steps that changed a node's form or meaning (see <see cref="VersionSteps"/>).</summary>
internal static class Adapters
{
    /// <summary>Clip 6 → 11: the min and max attributes become optional scalar inputs of the input's type.</summary>
    public static void ClipBoundsToInputs(AdapterContext context, NodeProto node)
    {
        var min = node.TakeAttribute("min");
        var max = node.TakeAttribute("max");
        if (min is null && max is null) return;
        var type = context.ElementType(node, node.Input[0]);
        while (node.Input.Count < 3) context.Graph.AddInput(node, "");
        if (min is not null) context.Graph.SetInput(node, 1, context.Scalar(node, "min", type, min.F));
        if (max is not null) context.Graph.SetInput(node, 2, context.Scalar(node, "max", type, max.F));
        // Trailing empty inputs are optional inputs left out.
        while (node.Input.Count > 1 && node.Input[^1].Length == 0) context.Graph.RemoveInput(node, node.Input.Count - 1);
    }

    /// <summary>Slice 1 → 10: starts, ends and axes become int64 inputs (steps did not exist: 1).</summary>
    public static void SliceAttributesToInputs(AdapterContext context, NodeProto node)
    {
        var starts = node.TakeAttribute("starts") ?? throw context.Fail(node, "Slice-1 without starts");
        var ends = node.TakeAttribute("ends") ?? throw context.Fail(node, "Slice-1 without ends");
        var axes = node.TakeAttribute("axes");
        context.Graph.AddInput(node, context.Int64s(node, "starts", starts.Ints));
        context.Graph.AddInput(node, context.Int64s(node, "ends", ends.Ints));
        if (axes is not null) context.Graph.AddInput(node, context.Int64s(node, "axes", axes.Ints));
    }

    /// <summary>Pad 2 → 11: pads becomes an int64 input and value a scalar input of the data's type; mode stays.</summary>
    public static void PadAttributesToInputs(AdapterContext context, NodeProto node)
    {
        var pads = node.TakeAttribute("pads") ?? throw context.Fail(node, "Pad-2 without pads");
        var value = node.TakeAttribute("value");
        context.Graph.AddInput(node, context.Int64s(node, "pads", pads.Ints));
        if (value is not null && value.F != 0)
            context.Graph.AddInput(node, context.Scalar(node, "constant_value", context.ElementType(node, node.Input[0]), value.F));
    }

    /// <summary>An ints (or int) attribute that became an optional int64 input at <paramref name="position"/>.</summary>
    public static void AttributeToInput(AdapterContext context, NodeProto node, string name, int position, bool required = false)
    {
        var attribute = node.TakeAttribute(name);
        if (attribute is null)
        {
            if (required) throw context.Fail(node, $"the required attribute '{name}' is missing");
            return;
        }
        var values = attribute.Type == AttributeType.Int ? [attribute.I] : attribute.Ints.ToList();
        while (node.Input.Count < position) context.Graph.AddInput(node, "");
        var constant = context.Int64s(node, name, values);
        if (node.Input.Count == position) context.Graph.AddInput(node, constant);
        else context.Graph.SetInput(node, position, constant);
    }

    /// <summary>Dropout is the identity at inference: the node becomes Identity, unless its mask output is read.</summary>
    public static void DropoutToIdentity(AdapterContext context, NodeProto node)
    {
        if (node.OpType == "Identity") return;
        if (node.Output.Count > 1 && node.Output[1].Length > 0 && context.IsRead(node.Output[1]))
            throw context.Fail(node, "its mask output is used");
        node.OpType = "Identity";
        node.Attribute.Clear();
        while (node.Input.Count > 1) context.Graph.RemoveInput(node, node.Input.Count - 1);
        while (node.Output.Count > 1) context.Graph.RemoveOutput(node, node.Output.Count - 1);
    }

    /// <summary>
    /// Softmax, LogSoftmax and Hardmax 11 → 13: before 13 the input was coerced to 2-D at <c>axis</c> (default 1) and
    /// normalised over all trailing dimensions; from 13 over the one axis (default −1). The same where axis is the last
    /// dimension; otherwise Flatten at axis, the operator on the last axis, and Reshape back to the input's shape.
    /// </summary>
    public static void CoercedSoftmax(AdapterContext context, NodeProto node)
    {
        var rank = context.Rank(node.Input[0]) ?? throw context.Fail(node, "the input's rank is unknown");
        var axisAttribute = node.TakeAttribute("axis");
        var axis = axisAttribute is null ? 1 : (int)axisAttribute.I;
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= Math.Max(rank, 1)) throw context.Fail(node, $"axis {axisAttribute?.I} is outside rank {rank}");
        node.SetInt("axis", -1);
        if (axis == rank - 1) return;

        var input = node.Input[0];
        var output = node.Output[0];
        var baseName = node.Name.Length > 0 ? node.Name : node.OpType;
        var shape = context.Names.Next($"{baseName}_input_shape");
        var flat = context.Names.Next($"{baseName}_flat");
        var normalised = context.Names.Next($"{baseName}_flat_out");
        context.InsertBefore(node, NodeBuilder.Op("Shape", context.Names.Next($"{baseName}_Shape")).Inputs(input).Outputs(shape).Build());
        context.InsertBefore(node, NodeBuilder.Op("Flatten", context.Names.Next($"{baseName}_Flatten")).Inputs(input).Outputs(flat).IntAttribute("axis", axis).Build());
        context.Graph.SetInput(node, 0, flat);
        context.Graph.SetOutput(node, 0, normalised);
        context.InsertAfter(node, NodeBuilder.Op("Reshape", context.Names.Next($"{baseName}_Reshape")).Inputs(normalised, shape).Outputs(output).Build());
    }

    /// <summary>BatchNormalization 7 → 9: the spatial attribute is gone; spatial=1 (its default) is what 9 always does.</summary>
    public static void BatchNormalizationDropsSpatial(AdapterContext context, NodeProto node)
    {
        var spatial = node.TakeAttribute("spatial");
        if (spatial is not null && spatial.I != 1) throw context.Fail(node, "spatial=0 (per-activation statistics) has no form at opset 9 and later");
    }
}
