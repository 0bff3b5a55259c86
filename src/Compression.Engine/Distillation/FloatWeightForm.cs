using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Distillation;

/// <summary>A float weight (dense, pruned, or a factor of low-rank): every value is representable.</summary>
internal sealed class FloatWeightForm(TensorProto tensor) : WeightForm
{
    public override string Kind => "float";

    public override float[] Read() => TensorData.Read<float>(tensor);

    public override double Project(int flat, double value) => (float)value;

    public override void Write(double[] values) =>
        TensorData.Replace(tensor, tensor.Dims.ToArray(), (ReadOnlySpan<float>)values.Select(v => (float)v).ToArray());
}
