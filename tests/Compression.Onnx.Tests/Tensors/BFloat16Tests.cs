using Compression.Onnx.Tensors;
using Compression.Onnx.Tests.DataFiles;

namespace Compression.Onnx.Tests.Tensors;

public class BFloat16Tests
{
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-1.0f, 0xBF80)]
    [InlineData(0.0f, 0x0000)]
    [InlineData(-0.0f, 0x8000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    [InlineData(float.NegativeInfinity, 0xFF80)]
    [InlineData(3.140625f, 0x4049)]
    public void ExactValuesHaveTheirKnownBitPatterns(float value, int bits)
    {
        var b = BFloat16.FromSingle(value);
        Assert.Equal((ushort)bits, b.Bits);
        Assert.Equal(BitConverter.SingleToUInt32Bits(value), BitConverter.SingleToUInt32Bits(b.ToSingle()));
    }

    [Theory]
    [InlineData(0x3F808000u, 0x3F80)] // halfway between 0x3F80 and 0x3F81: stays on the even 0x3F80
    [InlineData(0x3F818000u, 0x3F82)] // halfway between 0x3F81 and 0x3F82: goes up to the even 0x3F82
    [InlineData(0x3F808001u, 0x3F81)] // just above halfway: up
    [InlineData(0x3F807FFFu, 0x3F80)] // just below halfway: down
    [InlineData(0xBF818000u, 0xBF82)] // ties to even in magnitude for negatives too
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue rounds past bfloat16's largest finite value to infinity
    public void ConversionRoundsToNearestWithTiesToEven(uint floatBits, int expected)
    {
        Assert.Equal((ushort)expected, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(floatBits)).Bits);
    }

    [Theory]
    [InlineData(0x7FC00000u)]
    [InlineData(0x7F800001u)] // payload only in the bits bfloat16 drops: truncating would make it +infinity
    [InlineData(0xFF800001u)]
    public void NaNStaysNaN(uint floatBits)
    {
        var b = BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(floatBits));
        Assert.True(b.IsNaN);
        Assert.True(float.IsNaN(b.ToSingle()));
        Assert.Equal(floatBits >> 31, (uint)b.Bits >> 15);
    }

    [Fact]
    public void RoundingAgreesWithOnnxHelperOnTenThousandFloats()
    {
        var random = new Random(1234);
        var bits = new uint[10_000];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (uint)random.NextInt64(0, 1L << 32);
            if (i % 4 == 0) bits[i] = (bits[i] & 0xFFFF0000u) | 0x8000u; // plenty of exact ties
            if ((bits[i] & 0x7F800000u) == 0x7F800000u) bits[i] &= 0xBFFFFFFFu; // NaN payload rules differ; compared above
        }
        using var temp = new TempFolder();
        var input = temp.File("floats.txt");
        File.WriteAllLines(input, bits.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var output = SystemPython.Run("""
            import sys, struct
            from onnx import helper
            for line in open(sys.argv[1]):
                f = struct.unpack('<f', struct.pack('<I', int(line)))[0]
                print(helper.float32_to_bfloat16(f))
            """, input);
        var expected = SystemPython.Lines(output).Select(ushort.Parse).ToArray();
        var actual = bits.Select(b => BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(b)).Bits).ToArray();
        Assert.Equal(expected, actual);
    }
}
