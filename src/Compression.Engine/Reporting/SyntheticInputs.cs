using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Reporting;

/// <summary>
/// The seeded synthetic inputs of a model without a data set: float inputs uniform on ±√3 (unit variance) from
/// arithmetic alone, so every machine makes the same ones; other element types zeros (valid indices and lengths);
/// dynamic dimensions 1 for the first (batch), 64 otherwise. The fidelity measurement and the ONNX Runtime check use
/// the same ones.
/// </summary>
internal static class SyntheticInputs
{
    public const string Label = "synthetic (seeded uniform, unit variance; dynamic dimensions 1 for batch, 64 otherwise)";

    /// <summary>Sample number <paramref name="seed"/> for the given graph inputs.</summary>
    public static Dictionary<string, Tensor> Sample(IReadOnlyList<ValueInfoProto> inputs, int seed)
    {
        var random = new Random(20261122 + seed);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var type = (DataType)(input.Type?.TensorType?.ElemType ?? (int)DataType.Float);
            var dims = input.Type?.TensorType?.Shape?.Dim.Select((d, i) => d.HasDimValue && d.DimValue > 0 ? (int)d.DimValue : i == 0 ? 1 : 64).ToArray() ?? [];
            var tensor = new Tensor(type, dims, ElementClrTypes.NewArray(type, ShapeMath.ElementCount(dims)));
            if (tensor.Data is float[] values)
                for (var i = 0; i < tensor.Length; i++)
                    values[i] = (float)((random.NextDouble() * 2 - 1) * 1.7320508075688772);
            result[input.Name] = tensor;
        }
        return result;
    }
}
