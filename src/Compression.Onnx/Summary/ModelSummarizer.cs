using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Summary;

/// <summary>Builds the <see cref="ModelSummary"/> of a model: counts, weight bytes, operators, MACs, inputs and outputs.</summary>
public static class ModelSummarizer
{
    public static ModelSummary Summarize(ModelProto model) => Summarize(new ModelIndex(model));

    /// <param name="inferredShape">Concrete shapes by value name from shape inference (which lives with the executor); declared shapes are used where it gives none.</param>
    public static ModelSummary Summarize(ModelIndex index, Func<string, long[]?>? inferredShape = null)
    {
        var model = index.Model;
        var weights = new SortedDictionary<string, (int Tensors, long Elements, long Bytes)>(StringComparer.Ordinal);
        var operators = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long parameters = 0, macs = 0;
        int nodes = 0, subgraphs = -1, macKnown = 0, macTotal = 0;

        void AddWeight(int dataType, long elements, long bytes)
        {
            parameters += elements;
            var name = ElementTypes.Name(dataType);
            var (t, e, b) = weights.GetValueOrDefault(name);
            weights[name] = (t + 1, e + elements, b + bytes);
        }

        foreach (var graph in index.AllGraphs)
        {
            subgraphs++;
            foreach (var init in graph.Graph.Initializer)
                AddWeight(init.DataType, TensorShape.ElementCount(init), StoredBytes(init));
            foreach (var sparse in graph.Graph.SparseInitializer)
                AddWeight(sparse.Values?.DataType ?? 0, Product(sparse.Dims),
                    StoredBytes(sparse.Values) + StoredBytes(sparse.Indices));

            var shapes = new KnownShapes(graph, inferredShape);
            foreach (var node in graph.Graph.Node)
            {
                nodes++;
                var key = ModelIndex.NormalizeDomain(node.Domain) is "" ? node.OpType : $"{node.Domain}:{node.OpType}";
                operators[key] = operators.GetValueOrDefault(key) + 1;
                if (key == "Constant") AddConstant(node, AddWeight);
                if (MacCounter.Counts(node))
                {
                    macTotal++;
                    if (MacCounter.Of(node, shapes) is { } m) { macs += m; macKnown++; }
                }
            }
        }

        return new ModelSummary(
            model.IrVersion,
            model.ProducerName,
            model.ProducerVersion,
            index.Opsets,
            parameters,
            weights.Values.Sum(w => w.Bytes),
            weights.Select(w => new ElementTypeBytes(w.Key, w.Value.Tensors, w.Value.Elements, w.Value.Bytes)).ToList(),
            nodes,
            subgraphs,
            operators,
            macs,
            macKnown,
            macTotal,
            model.Graph.Input.Where(i => !index.Main.Initializers.ContainsKey(i.Name)).Select(Describe).ToList(),
            model.Graph.Output.Select(Describe).ToList());
    }

    /// <summary>A Constant node holds exactly one value attribute; each kind counts as a tensor of its elements.</summary>
    private static void AddConstant(NodeProto node, Action<int, long, long> add)
    {
        foreach (var attr in node.Attribute)
        {
            switch (attr.Name)
            {
                case "value" when attr.T is not null:
                    add(attr.T.DataType, TensorShape.ElementCount(attr.T), StoredBytes(attr.T)); break;
                case "sparse_value" when attr.SparseTensor is not null:
                    add(attr.SparseTensor.Values?.DataType ?? 0, Product(attr.SparseTensor.Dims),
                        StoredBytes(attr.SparseTensor.Values) + StoredBytes(attr.SparseTensor.Indices)); break;
                case "value_float": add((int)DataType.Float, 1, 4); break;
                case "value_floats": add((int)DataType.Float, attr.Floats.Count, 4L * attr.Floats.Count); break;
                case "value_int": add((int)DataType.Int64, 1, 8); break;
                case "value_ints": add((int)DataType.Int64, attr.Ints.Count, 8L * attr.Ints.Count); break;
                case "value_string": add((int)DataType.String, 1, attr.S.Length); break;
                case "value_strings": add((int)DataType.String, attr.Strings.Count, attr.Strings.Sum(s => (long)s.Length)); break;
            }
        }
    }

    /// <summary>Bytes the tensor's values take at their element type's width (strings: their UTF-8 bytes).</summary>
    private static long StoredBytes(TensorProto? t)
    {
        if (t is null) return 0;
        return t.DataType == (int)DataType.String
            ? t.StringData.Sum(s => (long)s.Length)
            : ElementTypes.RawByteCount((DataType)t.DataType, TensorShape.ElementCount(t));
    }

    private static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => a * d);

    private static ValueSummary Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var type = tensor is not null ? ElementTypes.Name(tensor.ElemType)
            : value.Type?.ValueCase.ToString().ToLowerInvariant() ?? "unknown";
        var shape = tensor?.Shape?.Dim.Select(d =>
            d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : d.HasDimParam && d.DimParam.Length > 0 ? d.DimParam : "?").ToList() ?? [];
        return new ValueSummary(value.Name, type, shape);
    }
}
