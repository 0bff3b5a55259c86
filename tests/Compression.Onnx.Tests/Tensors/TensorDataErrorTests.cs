using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Google.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.Tensors;

public class TensorDataErrorTests
{
    [Fact]
    public void ReadingWithTheWrongClrTypeIsACodedError()
    {
        var t = TensorData.Create<int>("i", [1], [1]);
        var e = Assert.Throws<CompressionException>(() => TensorData.Read<float>(t, "m.onnx"));
        Assert.Equal(ErrorCodes.TensorElementTypeMismatch, e.Code);
        Assert.Equal("m.onnx", e.FilePath);
        Assert.Contains("int32", e.Message);
        Assert.Equal(ErrorCodes.TensorElementTypeMismatch,
            Assert.Throws<CompressionException>(() => TensorData.ReadInt4(t)).Code);
    }

    [Fact]
    public void RawDataShorterThanDimsIsACodedErrorBeforeAnyAllocation()
    {
        var t = new TensorProto { Name = "big", DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(new byte[12]) };
        t.Dims.Add([1L << 20, 1L << 20]); // 2^40 floats claimed, 12 bytes held
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CompressionException>(() => TensorData.Read<float>(t, "m.onnx"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e.Code);
        Assert.Equal("m.onnx", e.FilePath);
    }

    [Fact]
    public void TypedFieldCountDisagreeingWithDimsIsACodedError()
    {
        var t = new TensorProto { Name = "t", DataType = (int)DataType.Int64 };
        t.Dims.Add(3);
        t.Int64Data.Add([1, 2]);
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, Assert.Throws<CompressionException>(() => TensorData.Read<long>(t)).Code);
    }

    [Fact]
    public void CreatingWithAValueCountThatDisagreesWithDimsIsACodedError()
    {
        var e = Assert.Throws<CompressionException>(() => TensorData.Create<float>("t", [2, 2], [1f, 2f, 3f]));
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e.Code);
        Assert.Equal(ErrorCodes.TensorDimsInvalid,
            Assert.Throws<CompressionException>(() => TensorData.Create<float>("t", [-1], [])).Code);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(-9)]
    public void Int4ValuesOutsideTheirRangeAreRefused(int value)
    {
        var e = Assert.Throws<CompressionException>(() => TensorData.CreateInt4("q", [2], [0, (sbyte)value]));
        Assert.Equal(ErrorCodes.TensorValueOutOfRange, e.Code);
        Assert.Contains("index 1", e.Message);
        Assert.Equal(ErrorCodes.TensorValueOutOfRange,
            Assert.Throws<CompressionException>(() => TensorData.CreateUInt4("q", [1], [16])).Code);
    }

    [Fact]
    public void AFailedReplaceLeavesTheTensorUnchanged()
    {
        var t = TensorData.Create<float>("w", [2], [1f, 2f]);
        Assert.Throws<CompressionException>(() => TensorData.Replace<float>(t, [3], [1f]));
        Assert.Equal([1f, 2f], TensorData.Read<float>(t));
    }

    [Fact]
    public void ExternalDataThatWasNotLoadedIsACodedError()
    {
        var t = new TensorProto { Name = "x", DataType = (int)DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.Add(4);
        Assert.Equal(ErrorCodes.TensorDataNotLoaded, Assert.Throws<CompressionException>(() => TensorData.ReadAsFloat(t)).Code);
    }

    [Fact]
    public void StringsAndComplexNumbersHaveNoFloatValue()
    {
        Assert.Equal(ErrorCodes.TensorElementTypeUnsupported,
            Assert.Throws<CompressionException>(() => TensorData.ReadAsFloat(TensorData.CreateStrings("s", [1], ["a"]))).Code);
        var complex = new TensorProto { Name = "c", DataType = (int)DataType.Complex64 };
        complex.Dims.Add(1);
        complex.FloatData.Add([1f, 2f]);
        Assert.Equal(ErrorCodes.TensorElementTypeUnsupported,
            Assert.Throws<CompressionException>(() => TensorData.ReadAsFloat(complex)).Code);
        Assert.Equal(8, TensorData.ReadRawBytes(complex).Length);
    }

    [Fact]
    public void RawBytesOfTheWrongLengthAreRefused()
    {
        var t = new TensorProto { Name = "t" };
        var e = Assert.Throws<CompressionException>(() => TensorData.ReplaceRawBytes(t, DataType.Float8E5M2, [4], [1, 2, 3]));
        Assert.Equal(ErrorCodes.TensorDataSizeMismatch, e.Code);
    }
}
