using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Distillation;

/// <summary>
/// An integer weight with fixed scales and zero points, one of each per element once broadcast (per tensor, per
/// channel, per block): the value is (q − zero point) · scale, q clamped to the range the pass quantized to. The fit
/// chooses q; scales and zero points stay as the pass chose them, so the stored form and its size do not change.
/// </summary>
internal sealed class GridWeightForm : WeightForm
{
    private readonly TensorProto _values;
    private readonly float[] _scales;
    private readonly int[] _zeroPoints;
    private readonly int _min, _max;

    public GridWeightForm(TensorProto values, float[] scales, int[] zeroPoints, int min, int max)
    {
        _values = values;
        _scales = scales;
        _zeroPoints = zeroPoints;
        (_min, _max) = (min, max);
    }

    public override string Kind => (DataType)_values.DataType is DataType.Int4 or DataType.Uint4 ? "int4" : "int8";

    public int[] Integers() => (DataType)_values.DataType switch
    {
        DataType.Int8 => TensorData.Read<sbyte>(_values).Select(v => (int)v).ToArray(),
        DataType.Uint8 => TensorData.Read<byte>(_values).Select(v => (int)v).ToArray(),
        DataType.Int4 => TensorData.ReadInt4(_values).Select(v => (int)v).ToArray(),
        DataType.Uint4 => TensorData.ReadUInt4(_values).Select(v => (int)v).ToArray(),
        var other => throw new InvalidOperationException($"no integer weight form for {other}"),
    };

    public override float[] Read()
    {
        var q = Integers();
        var values = new float[q.Length];
        for (var i = 0; i < q.Length; i++) values[i] = (q[i] - _zeroPoints[i]) * _scales[i];
        return values;
    }

    public override bool[] Pruned() => Integers().Select((q, i) => q == _zeroPoints[i]).ToArray();

    public override double Project(int flat, double value) => (Level(flat, value) - _zeroPoints[flat]) * (double)_scales[flat];

    private int Level(int flat, double value)
    {
        var scale = (double)_scales[flat];
        var q = Math.Round(value / scale, MidpointRounding.ToEven) + _zeroPoints[flat];
        return double.IsNaN(q) ? _zeroPoints[flat] : (int)Math.Clamp(q, _min, _max);
    }

    public override void Write(double[] values)
    {
        var dims = _values.Dims.ToArray();
        var q = values.Select((v, i) => Level(i, v)).ToArray();
        switch ((DataType)_values.DataType)
        {
            case DataType.Int8: TensorData.Replace(_values, dims, (ReadOnlySpan<sbyte>)q.Select(v => (sbyte)v).ToArray()); break;
            case DataType.Uint8: TensorData.Replace(_values, dims, (ReadOnlySpan<byte>)q.Select(v => (byte)v).ToArray()); break;
            case DataType.Int4: TensorData.ReplaceInt4(_values, dims, q.Select(v => (sbyte)v).ToArray()); break;
            default: TensorData.ReplaceUInt4(_values, dims, q.Select(v => (byte)v).ToArray()); break;
        }
    }
}
