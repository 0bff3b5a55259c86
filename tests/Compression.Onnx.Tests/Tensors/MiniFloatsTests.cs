using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.Tensors;

/// <summary>Values from the float8 paper's tables (Micikevicius et al. 2022) and the ONNX float8/float4 definitions.</summary>
public class MiniFloatsTests
{
    [Theory]
    [InlineData(DataType.Float8E4M3Fn, 0x38, 1f)]
    [InlineData(DataType.Float8E4M3Fn, 0x7E, 448f)]        // largest finite: S.1111.110
    [InlineData(DataType.Float8E4M3Fn, 0x78, 256f)]        // S.1111.000 is a number, not infinity
    [InlineData(DataType.Float8E4M3Fn, 0x01, 0.001953125f)] // smallest subnormal 2^-9
    [InlineData(DataType.Float8E4M3Fn, 0x80, -0f)]
    [InlineData(DataType.Float8E4M3Fnuz, 0x40, 1f)]
    [InlineData(DataType.Float8E4M3Fnuz, 0x7F, 240f)]
    [InlineData(DataType.Float8E4M3Fnuz, 0x01, 0.0009765625f)] // 2^-10
    [InlineData(DataType.Float8E5M2, 0x3C, 1f)]
    [InlineData(DataType.Float8E5M2, 0x7B, 57344f)]
    [InlineData(DataType.Float8E5M2, 0x7C, float.PositiveInfinity)]
    [InlineData(DataType.Float8E5M2, 0xFC, float.NegativeInfinity)]
    [InlineData(DataType.Float8E5M2, 0x01, 1.52587890625e-05f)] // 2^-16
    [InlineData(DataType.Float8E5M2Fnuz, 0x40, 1f)]
    [InlineData(DataType.Float8E5M2Fnuz, 0x7F, 57344f)]
    [InlineData(DataType.Float8E5M2Fnuz, 0x01, 7.62939453125e-06f)] // 2^-17
    [InlineData(DataType.Float8E8M0, 0x7F, 1f)]
    [InlineData(DataType.Float8E8M0, 0x00, 5.877471754111438e-39f)] // 2^-127
    [InlineData(DataType.Float8E8M0, 0xFE, 1.7014118346046923e+38f)] // 2^127
    [InlineData(DataType.Float4E2M1, 0x1, 0.5f)]
    [InlineData(DataType.Float4E2M1, 0x7, 6f)]
    [InlineData(DataType.Float4E2M1, 0xF, -6f)]
    public void KnownPatternsDecodeToTheirValues(DataType type, int bits, float expected)
    {
        var actual = MiniFloats.ToSingle((byte)bits, type);
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(actual));
    }

    [Theory]
    [InlineData(DataType.Float8E4M3Fn, 0x7F)]
    [InlineData(DataType.Float8E4M3Fn, 0xFF)]
    [InlineData(DataType.Float8E4M3Fnuz, 0x80)]
    [InlineData(DataType.Float8E5M2, 0x7D)]
    [InlineData(DataType.Float8E5M2Fnuz, 0x80)]
    [InlineData(DataType.Float8E8M0, 0xFF)]
    public void NaNPatternsDecodeToNaN(DataType type, int bits) =>
        Assert.True(float.IsNaN(MiniFloats.ToSingle((byte)bits, type)));

    [Theory]
    [InlineData(DataType.Float8E4M3Fn, 1)]   // only 0x7F and 0xFF
    [InlineData(DataType.Float8E4M3Fnuz, 0)] // only 0x80
    [InlineData(DataType.Float8E5M2Fnuz, 0)]
    [InlineData(DataType.Float8E5M2, 3)]     // 0x7D, 0x7E, 0x7F; 0x7C is infinity
    public void EachFormatHasExactlyItsNaNCountPerSign(DataType type, int positiveNaNs)
    {
        var nans = Enumerable.Range(0, 128).Count(b => float.IsNaN(MiniFloats.ToSingle((byte)b, type)));
        Assert.Equal(positiveNaNs, nans);
    }

    [Fact]
    public void Float4InRawDataIsReadTwoAByte()
    {
        var t = new Compression.Onnx.Protobuf.TensorProto { Name = "f4", DataType = (int)DataType.Float4E2M1 };
        TensorData.ReplaceRawBytes(t, DataType.Float4E2M1, [3], [0x72, 0x09]);
        Assert.Equal([1f, 6f, -0.5f], TensorData.ReadAsFloat(t));
    }
}
