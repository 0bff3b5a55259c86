using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.Tensors;

/// <summary>Tensors built by hand the way the ONNX spec lays them out, read with TensorData; and what TensorData writes.</summary>
public class TensorDataKnownPatternTests
{
    [Fact]
    public void HalfOneIsStoredAs0x3C00LittleEndian()
    {
        var t = TensorData.Create<Half>("h", [1], [(Half)1]);
        Assert.Equal(new byte[] { 0x00, 0x3C }, t.RawData.ToByteArray());
        var typed = TensorData.Create<Half>("h", [1], [(Half)1], TensorStorage.TypedFields);
        Assert.Equal([0x3C00], typed.Int32Data);
    }

    [Fact]
    public void Float16BitPatternsInInt32DataAreRead()
    {
        var t = Typed(DataType.Float16, [3], t => t.Int32Data.Add([0x3C00, 0xC000, 0x7C00]));
        Assert.Equal([(Half)1, (Half)(-2), Half.PositiveInfinity], TensorData.Read<Half>(t));
        Assert.Equal([1f, -2f, float.PositiveInfinity], TensorData.ReadAsFloat(t));
    }

    [Fact]
    public void BFloat16BitPatternsInInt32DataAreRead()
    {
        var t = Typed(DataType.Bfloat16, [2], t => t.Int32Data.Add([0x3F80, 0xC049]));
        Assert.Equal([1f, -3.140625f], TensorData.ReadAsFloat(t));
    }

    [Fact]
    public void Int4PacksLowNibbleFirst()
    {
        var t = TensorData.CreateInt4("q", [5], [1, -1, -8, 7, 3]);
        Assert.Equal(new byte[] { 0xF1, 0x78, 0x03 }, t.RawData.ToByteArray());
    }

    [Fact]
    public void Int4InInt32DataIsOnePackedByteAnEntry()
    {
        var t = Typed(DataType.Int4, [3], t => t.Int32Data.Add([0x8F, 0x07]));
        Assert.Equal([-1, -8, 7], TensorData.ReadInt4(t));
        Assert.Equal([-1f, -8f, 7f], TensorData.ReadAsFloat(t));
    }

    [Fact]
    public void UInt4InRawDataUnpacksLowNibbleFirst()
    {
        var t = Raw(DataType.Uint4, [4], [0x21, 0xF0]);
        Assert.Equal([1, 2, 0, 15], TensorData.ReadUInt4(t));
    }

    [Fact]
    public void UInt64MaxIsReadFromUInt64Data()
    {
        var t = Typed(DataType.Uint64, [2], t => t.Uint64Data.Add([ulong.MaxValue, 7]));
        Assert.Equal([ulong.MaxValue, 7ul], TensorData.Read<ulong>(t));
    }

    [Fact]
    public void UInt32IsReadFromUInt64Data()
    {
        var t = Typed(DataType.Uint32, [1], t => t.Uint64Data.Add(uint.MaxValue));
        Assert.Equal([uint.MaxValue], TensorData.Read<uint>(t));
        Assert.Equal([(ulong)uint.MaxValue], TensorData.Create<uint>("u", [1], [uint.MaxValue], TensorStorage.TypedFields).Uint64Data);
    }

    [Fact]
    public void NarrowIntegersInInt32DataAcceptSignedOrUnsignedSpelling()
    {
        Assert.Equal([(sbyte)-1, (sbyte)-1], TensorData.Read<sbyte>(Typed(DataType.Int8, [2], t => t.Int32Data.Add([-1, 255]))));
        Assert.Equal([(ushort)65535], TensorData.Read<ushort>(Typed(DataType.Uint16, [1], t => t.Int32Data.Add(65535))));
        Assert.Equal([(short)-2], TensorData.Read<short>(Typed(DataType.Int16, [1], t => t.Int32Data.Add(-2))));
    }

    [Fact]
    public void TypedWritesUseTheSpellingOnnxHelperUses()
    {
        Assert.Equal([-2], TensorData.Create<short>("s", [1], [-2], TensorStorage.TypedFields).Int32Data);
        Assert.Equal([-128], TensorData.Create<sbyte>("s", [1], [-128], TensorStorage.TypedFields).Int32Data);
        Assert.Equal([255], TensorData.Create<byte>("s", [1], [255], TensorStorage.TypedFields).Int32Data);
        Assert.Equal([0xF1], TensorData.CreateInt4("s", [2], [1, -1], TensorStorage.TypedFields).Int32Data);
    }

    [Fact]
    public void AnyNonZeroBoolByteReadsAsTrue()
    {
        var t = Raw(DataType.Bool, [3], [0, 1, 2]);
        var values = TensorData.Read<bool>(t);
        Assert.Equal([false, true, true], values);
        Assert.True(values[2] == true); // a raw 2 reinterpreted as bool would fail this comparison
    }

    [Fact]
    public void ReadAsFloatConvertsEveryIntegerType()
    {
        Assert.Equal([-128f, 127f], TensorData.ReadAsFloat(TensorData.Create<sbyte>("x", [2], [-128, 127])));
        Assert.Equal([255f], TensorData.ReadAsFloat(TensorData.Create<byte>("x", [1], [255])));
        Assert.Equal([65535f], TensorData.ReadAsFloat(TensorData.Create<ushort>("x", [1], [65535])));
        Assert.Equal([-5f], TensorData.ReadAsFloat(TensorData.Create<long>("x", [1], [-5])));
        Assert.Equal([4294967296f], TensorData.ReadAsFloat(TensorData.Create<uint>("x", [1], [uint.MaxValue])));
        Assert.Equal([1f, 0f], TensorData.ReadAsFloat(TensorData.Create<bool>("x", [2], [true, false])));
        Assert.Equal([0.5f], TensorData.ReadAsFloat(TensorData.Create<double>("x", [1], [0.5])));
        Assert.Equal([15f, 0f], TensorData.ReadAsFloat(TensorData.CreateUInt4("x", [2], [15, 0])));
    }

    [Fact]
    public void ReadRawBytesOfTypedFieldsIsTheRawDataLayout()
    {
        var t = Typed(DataType.Int64, [2], t => t.Int64Data.Add([1, -1]));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF },
            TensorData.ReadRawBytes(t).ToArray());
    }

    private static TensorProto Typed(DataType type, long[] dims, Action<TensorProto> fill)
    {
        var t = new TensorProto { Name = "t", DataType = (int)type };
        t.Dims.Add(dims);
        fill(t);
        return t;
    }

    private static TensorProto Raw(DataType type, long[] dims, byte[] raw)
    {
        var t = new TensorProto { Name = "t", DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.Add(dims);
        return t;
    }
}
