using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Distillation;

/// <summary>
/// A shared weight: one uint8 index per element into a float codebook of <see cref="Size"/> values per channel (one
/// channel when the codebook is per tensor). The fit chooses each element's entry, then the entries' values
/// (<see cref="CodebookRefit"/>). When the recipe also prunes, each codebook's entry nearest 0 stands for the pruned
/// elements: it is held at exactly 0 and only they use it, so the zeros stay zeros and compress as one symbol.
/// </summary>
internal sealed class SharedWeightForm : WeightForm
{
    private readonly TensorProto _indices;
    private readonly TensorProto _codebook;
    private readonly Func<int, int> _channelOf;
    private readonly double[] _entries;
    private readonly int[]? _zeroEntry;

    public SharedWeightForm(TensorProto indices, TensorProto codebook, int size, Func<int, int> channelOf, bool holdZero)
    {
        _indices = indices;
        _codebook = codebook;
        _channelOf = channelOf;
        Size = size;
        _entries = TensorData.Read<float>(codebook).Select(v => (double)v).ToArray();
        if (!holdZero) return;
        _zeroEntry = new int[_entries.Length / size];
        for (var c = 0; c < _zeroEntry.Length; c++)
        {
            var best = 0;
            for (var k = 1; k < size; k++)
                if (Math.Abs(_entries[(c * size) + k]) < Math.Abs(_entries[(c * size) + best])) best = k;
            _zeroEntry[c] = best;
            _entries[(c * size) + best] = 0;
        }
    }

    public override string Kind => "shared";

    /// <summary>Entries per codebook.</summary>
    public int Size { get; }

    /// <summary>The entry (index over every codebook's entries) that is held at 0, or −1.</summary>
    public int HeldEntry(int flat) => _zeroEntry is null ? -1 : (_channelOf(flat) * Size) + _zeroEntry[_channelOf(flat)];

    /// <summary>The codebook the element at <paramref name="flat"/> reads.</summary>
    public int ChannelOf(int flat) => _channelOf(flat);

    /// <summary>The entry of codebook <paramref name="channel"/> held at 0 (its index in that codebook), or −1.</summary>
    public int HeldLocal(int channel) => _zeroEntry is null ? -1 : _zeroEntry[channel];

    /// <summary>A copy of every codebook's values, codebook after codebook.</summary>
    public double[] Entries() => (double[])_entries.Clone();

    public override float[] Read()
    {
        var indices = TensorData.Read<byte>(_indices);
        var stored = TensorData.Read<float>(_codebook);
        return indices.Select((k, i) => stored[(_channelOf(i) * Size) + k]).ToArray();
    }

    public override bool[] Pruned()
    {
        if (_zeroEntry is null) return new bool[TensorData.Read<byte>(_indices).Length];
        return TensorData.Read<byte>(_indices).Select((k, i) => k == _zeroEntry[_channelOf(i)]).ToArray();
    }

    public override double Project(int flat, double value) => _entries[Entry(flat, value)];

    public override double Zero(int flat) => _zeroEntry is null ? Project(flat, 0) : 0;

    /// <summary>The entry a value goes to: the nearest, never the held zero unless the value is it; ties to the lower index.</summary>
    public int Entry(int flat, double value)
    {
        var first = _channelOf(flat) * Size;
        var held = HeldEntry(flat);
        if (held >= 0 && value == 0) return held;
        var best = -1;
        for (var k = first; k < first + Size; k++)
        {
            if (k == held) continue;
            if (best < 0 || Math.Abs(_entries[k] - value) < Math.Abs(_entries[best] - value)) best = k;
        }
        return best;
    }

    /// <summary>Stores refit codebooks (<see cref="Entries"/>'s layout) and values taken from them.</summary>
    public void Write(double[] values, double[] entries)
    {
        entries.CopyTo(_entries, 0);
        Write(values);
    }

    public override void Write(double[] values)
    {
        var indices = values.Select((v, i) => (byte)(Entry(i, v) - (_channelOf(i) * Size))).ToArray();
        TensorData.Replace(_indices, _indices.Dims.ToArray(), (ReadOnlySpan<byte>)indices);
        TensorData.Replace(_codebook, _codebook.Dims.ToArray(), (ReadOnlySpan<float>)_entries.Select(v => (float)v).ToArray());
    }
}
