using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Distillation;

/// <summary>
/// A layer's bias as the fit sets it: a float constant, or static int8's int32 constant through DequantizeLinear, whose
/// scale (activation scale × weight scale) stays and whose integers are chosen again.
/// </summary>
internal sealed class LayerBias(TensorProto values, float[]? scales)
{
    public double[] Read() => scales is null
        ? TensorData.Read<float>(values).Select(v => (double)v).ToArray()
        : TensorData.Read<int>(values).Select((q, i) => q * (double)scales[scales.Length == 1 ? 0 : i]).ToArray();

    public void Write(double[] bias)
    {
        var dims = values.Dims.ToArray();
        if (scales is null)
        {
            TensorData.Replace(values, dims, (ReadOnlySpan<float>)bias.Select(v => (float)v).ToArray());
            return;
        }
        var q = bias.Select((b, i) =>
        {
            var level = Math.Round(b / scales[scales.Length == 1 ? 0 : i], MidpointRounding.ToEven);
            return double.IsFinite(level) ? (int)Math.Clamp(level, int.MinValue, int.MaxValue) : 0;
        }).ToArray();
        TensorData.Replace(values, dims, (ReadOnlySpan<int>)q);
    }
}
