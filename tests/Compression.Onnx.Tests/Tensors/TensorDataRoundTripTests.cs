using System.Runtime.InteropServices;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.Tensors;

/// <summary>
/// Every element type written with TensorData, serialized, parsed back and read: values come back bit for bit, the
/// element type is the right one, and the data sits only in the storage that was asked for.
/// </summary>
public class TensorDataRoundTripTests
{
    public static TheoryData<TensorStorage> Storages => new() { TensorStorage.RawData, TensorStorage.TypedFields };

    [Theory, MemberData(nameof(Storages))]
    public void FloatRoundTripsBitExactIncludingSpecialValues(TensorStorage storage) =>
        AssertRoundTrip([0f, -0f, 1.5f, float.MaxValue, float.MinValue, float.Epsilon, float.NegativeInfinity, float.NaN],
            DataType.Float, storage);

    [Theory, MemberData(nameof(Storages))]
    public void DoubleRoundTripsBitExact(TensorStorage storage) =>
        AssertRoundTrip([0d, -0d, Math.PI, double.MaxValue, double.Epsilon, double.PositiveInfinity, double.NaN],
            DataType.Double, storage);

    [Theory, MemberData(nameof(Storages))]
    public void HalfRoundTripsBitExact(TensorStorage storage) =>
        AssertRoundTrip([(Half)1, (Half)(-2.5), Half.MaxValue, Half.Epsilon, Half.NegativeZero, Half.PositiveInfinity, Half.NaN],
            DataType.Float16, storage);

    [Theory, MemberData(nameof(Storages))]
    public void BFloat16RoundTripsBitExact(TensorStorage storage) =>
        AssertRoundTrip([BFloat16.FromSingle(1), BFloat16.FromSingle(-3.3e38f), BFloat16.FromBits(0x0001), BFloat16.FromBits(0xFFC1)],
            DataType.Bfloat16, storage);

    [Theory, MemberData(nameof(Storages))]
    public void Int8RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip<sbyte>([sbyte.MinValue, -1, 0, 1, sbyte.MaxValue], DataType.Int8, storage);

    [Theory, MemberData(nameof(Storages))]
    public void UInt8RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip<byte>([0, 1, 128, byte.MaxValue], DataType.Uint8, storage);

    [Theory, MemberData(nameof(Storages))]
    public void Int16RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip<short>([short.MinValue, -1, 0, short.MaxValue], DataType.Int16, storage);

    [Theory, MemberData(nameof(Storages))]
    public void UInt16RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip<ushort>([0, 0x8000, ushort.MaxValue], DataType.Uint16, storage);

    [Theory, MemberData(nameof(Storages))]
    public void Int32RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip([int.MinValue, -1, 0, int.MaxValue], DataType.Int32, storage);

    [Theory, MemberData(nameof(Storages))]
    public void UInt32RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip([0u, 0x80000000u, uint.MaxValue], DataType.Uint32, storage);

    [Theory, MemberData(nameof(Storages))]
    public void Int64RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip([long.MinValue, -1L, 0L, long.MaxValue], DataType.Int64, storage);

    [Theory, MemberData(nameof(Storages))]
    public void UInt64RoundTripsIncludingExtremes(TensorStorage storage) =>
        AssertRoundTrip([0ul, 1ul << 63, ulong.MaxValue], DataType.Uint64, storage);

    [Theory, MemberData(nameof(Storages))]
    public void BoolRoundTrips(TensorStorage storage) =>
        AssertRoundTrip([true, false, false, true], DataType.Bool, storage);

    [Theory, MemberData(nameof(Storages))]
    public void Int4RoundTripsEveryValueWithAnOddCount(TensorStorage storage)
    {
        sbyte[] values = [-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8];
        var back = Reparse(TensorData.CreateInt4("q", [values.Length], values, storage));
        Assert.Equal((int)DataType.Int4, back.DataType);
        AssertStorage(back, storage);
        Assert.Equal(values, TensorData.ReadInt4(back));
    }

    [Theory, MemberData(nameof(Storages))]
    public void UInt4RoundTripsEveryValueWithAnOddCount(TensorStorage storage)
    {
        var values = Enumerable.Range(0, 16).Select(i => (byte)i).Append((byte)9).ToArray();
        var back = Reparse(TensorData.CreateUInt4("q", [values.Length], values, storage));
        Assert.Equal((int)DataType.Uint4, back.DataType);
        AssertStorage(back, storage);
        Assert.Equal(values, TensorData.ReadUInt4(back));
    }

    [Fact]
    public void StringsRoundTripAsUtf8()
    {
        string[] values = ["", "abc", "Grüße", "日本語", "😀"];
        var back = Reparse(TensorData.CreateStrings("s", [5], values));
        Assert.Equal((int)DataType.String, back.DataType);
        Assert.False(back.HasRawData);
        Assert.Equal("Grüße"u8.ToArray(), back.StringData[2].ToByteArray());
        Assert.Equal(values, TensorData.ReadStrings(back));
    }

    [Fact]
    public void ScalarAndEmptyTensorsRoundTrip()
    {
        var scalar = Reparse(TensorData.Create<float>("s", [], [42f]));
        Assert.Empty(scalar.Dims);
        Assert.Equal([42f], TensorData.Read<float>(scalar));

        var empty = Reparse(TensorData.Create<long>("e", [0, 3], []));
        Assert.Equal([0L, 3L], empty.Dims);
        Assert.Empty(TensorData.Read<long>(empty));
    }

    [Fact]
    public void ReplaceKeepsNameAndMetadataAndDropsEveryOldForm()
    {
        var tensor = new TensorProto { Name = "w", DocString = "weights", DataType = (int)DataType.Float };
        tensor.Dims.Add(3);
        tensor.FloatData.Add([1f, 2f, 3f]);
        tensor.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });

        TensorData.Replace<Half>(tensor, [2], [(Half)0.5, (Half)4]);

        Assert.Equal("w", tensor.Name);
        Assert.Equal("weights", tensor.DocString);
        Assert.Equal("v", Assert.Single(tensor.MetadataProps).Value);
        Assert.Empty(tensor.FloatData);
        Assert.Equal((int)DataType.Float16, tensor.DataType);
        Assert.Equal([2L], tensor.Dims);
        Assert.Equal([(Half)0.5, (Half)4], TensorData.Read<Half>(tensor));
    }

    [Fact]
    public void RawBytesOfFloat8AreStoredAndDecoded()
    {
        var tensor = new TensorProto { Name = "f8" };
        TensorData.ReplaceRawBytes(tensor, DataType.Float8E4M3Fn, [3], [0x38, 0xB8, 0x7E], TensorStorage.TypedFields);
        Assert.Equal([0x38, 0xB8, 0x7E], Reparse(tensor).Int32Data);
        Assert.Equal([1f, -1f, 448f], TensorData.ReadAsFloat(Reparse(tensor)));
    }

    private static void AssertRoundTrip<T>(T[] values, DataType type, TensorStorage storage) where T : unmanaged
    {
        var written = TensorData.Create<T>("t", [1, values.Length], values, storage);
        var back = Reparse(written);
        Assert.Equal("t", back.Name);
        Assert.Equal((int)type, back.DataType);
        Assert.Equal([1L, values.Length], back.Dims);
        AssertStorage(back, storage);
        var read = TensorData.Read<T>(back);
        // Bit comparison: Equals would call 0 and -0 equal, and NaN unequal to itself for some types.
        Assert.Equal(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), MemoryMarshal.AsBytes(read.AsSpan()).ToArray());
    }

    private static void AssertStorage(TensorProto t, TensorStorage storage)
    {
        var typedCount = t.FloatData.Count + t.DoubleData.Count + t.Int32Data.Count + t.Int64Data.Count + t.Uint64Data.Count;
        if (storage == TensorStorage.RawData)
        {
            Assert.True(t.HasRawData);
            Assert.Equal(0, typedCount);
        }
        else
        {
            Assert.False(t.HasRawData);
            Assert.NotEqual(0, typedCount);
        }
    }

    private static TensorProto Reparse(TensorProto t) => TensorProto.Parser.ParseFrom(t.ToByteArray());
}
