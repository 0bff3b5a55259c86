using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// Cuts the removed classes out of the model: filter rows out of every layer that writes them, input slices out of
/// every layer that reads them (a grouped Conv loses whole groups and its group count drops), per-channel constants
/// sliced (as new constants: the original may have other readers), declared shapes of shrunk values corrected.
/// Activations need no rewriting: their shapes follow from the weights.
/// </summary>
internal static class ChannelRemoval
{
    /// <summary>Applies the removal; returns, per tracked value that lost channels, the original indices it keeps.</summary>
    public static Dictionary<string, int[]> Apply(ModelProto model, ChannelGraph graph, HashSet<int> removed)
    {
        var slots = graph.Slots;
        var kept = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var value in slots.Values)
        {
            var roots = slots.Roots(value);
            if (!roots.Any(removed.Contains)) continue;
            kept[value] = Enumerable.Range(0, roots.Length).Where(c => !removed.Contains(roots[c])).ToArray();
        }

        foreach (var layer in graph.Layers)
        {
            var keepOut = kept.GetValueOrDefault(layer.Output);
            var keepIn = layer.IsDense ? kept.GetValueOrDefault(layer.Input) : null;
            if (keepOut is null && keepIn is null) continue;
            var dims = layer.Weight.Tensor.Dims.ToArray();
            var values = TensorData.Read<float>(layer.Weight.Tensor);
            var outputs = dims[layer.OutAxis];
            if (keepOut is not null) values = ChannelSlicing.Slice(values, dims, layer.OutAxis, keepOut);
            if (keepIn is not null) values = ChannelSlicing.Slice(values, dims, layer.InAxis, keepIn);
            TensorData.Replace<float>(layer.Weight.Tensor, dims, values);
            if (keepOut is null) continue;
            if (layer.Bias is { } bias)
            {
                var biasDims = bias.Tensor.Dims.ToArray();
                var sliced = ChannelSlicing.Slice(TensorData.Read<float>(bias.Tensor), biasDims, biasDims.Length - 1, keepOut);
                TensorData.Replace<float>(bias.Tensor, biasDims, sliced);
            }
            if (layer.Kind == LayerKind.GroupedConv)
            {
                var perGroup = outputs / layer.Group;
                layer.Node.SetInt("group", keepOut.Length / perGroup);
            }
        }

        var editor = new ModelEditor(model);
        var names = editor.Names;
        foreach (var constant in graph.Constants)
        {
            if (!kept.TryGetValue(constant.Value, out var keep)) continue;
            var source = editor.Main.FindConstant(constant.Node.Input[constant.InputIndex])!.Tensor;
            var dims = source.Dims.ToArray();
            var values = ChannelSlicing.Slice(TensorData.ReadAsFloat(source), dims, constant.Axis, keep);
            var name = names.Next($"{source.Name}_pruned");
            var tensor = new TensorProto { Name = name };
            TensorData.Replace<float>(tensor, dims, values);
            editor.Main.AddConstant(tensor, names.Next($"{name}_constant"));
            editor.Main.SetInput(constant.Node, constant.InputIndex, name);
        }

        foreach (var info in model.Graph.ValueInfo)
        {
            if (!kept.TryGetValue(info.Name, out var keep) || info.Type?.TensorType?.Shape is not { Dim.Count: >= 2 } shape) continue;
            shape.Dim[1] = new TensorShapeProto.Types.Dimension { DimValue = keep.Length };
        }
        return kept;
    }
}
