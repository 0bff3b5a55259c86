using Compression.Engine.Calibration;
using Compression.Engine.Recipes;

namespace Compression.Engine.Tests.Calibration;

/// <summary>Expected values worked by hand from ONNX Runtime's compute_scale_zp rules (see QuantizationParameters).</summary>
public class QuantizationParametersTests
{
    [Fact]
    public void UInt8AsymmetricRoundsTheZeroPointHalfToEven()
    {
        // [−1, 1]: scale 2/255, zero point round(0 − (−1)/(2/255)) = round(127.5) = 128 (even).
        var p = QuantizationParameters.UInt8Asymmetric(-1f, 1f);
        Assert.Equal((float)(2.0 / 255), p.Scale);
        Assert.Equal(128, p.ZeroPoint);
        Assert.Equal((0, 255), (p.QMin, p.QMax));
    }

    [Fact]
    public void TheRangeIsWidenedToHoldZero()
    {
        // [2, 4] becomes [0, 4]: zero is q = 0 exactly.
        var p = QuantizationParameters.UInt8Asymmetric(2f, 4f);
        Assert.Equal((float)(4.0 / 255), p.Scale);
        Assert.Equal(0, p.ZeroPoint);
        var negative = QuantizationParameters.UInt8Asymmetric(-6f, -1f);
        Assert.Equal(255, negative.ZeroPoint);
        Assert.Equal((float)(6.0 / 255), negative.Scale);
    }

    [Fact]
    public void Int8SymmetricUsesTheLargerMagnitudeAndZeroPointZero()
    {
        var p = QuantizationParameters.Int8Symmetric(-0.5f, 2f);
        Assert.Equal((float)(4.0 / 254), p.Scale);
        Assert.Equal(0, p.ZeroPoint);
        Assert.Equal((-127, 127), (p.QMin, p.QMax));
    }

    [Fact]
    public void ReduceRangeUsesSevenBits()
    {
        var u = QuantizationParameters.UInt8Asymmetric(-1f, 1f, reduceRange: true);
        Assert.Equal((0, 127), (u.QMin, u.QMax));
        Assert.Equal((float)(2.0 / 127), u.Scale);
        Assert.Equal(64, u.ZeroPoint); // round(63.5) = 64 (even)
        var s = QuantizationParameters.Int8Symmetric(-3f, 1f, reduceRange: true);
        Assert.Equal((-64, 64), (s.QMin, s.QMax));
        Assert.Equal((float)(6.0 / 128), s.Scale);
        Assert.Equal(0, s.ZeroPoint);
    }

    [Fact]
    public void AnAllZeroRangeGetsScaleOneZeroPointZero()
    {
        Assert.Equal(new QuantizationParameters(1f, 0, 0, 255), QuantizationParameters.UInt8Asymmetric(0f, 0f));
        Assert.Equal(new QuantizationParameters(1f, 0, -127, 127), QuantizationParameters.Int8Symmetric(0f, 0f));
    }

    [Fact]
    public void ZeroIsExactlyRepresentableForAnyRange()
    {
        var random = new Random(3);
        for (var i = 0; i < 1000; i++)
        {
            var a = (float)(random.NextDouble() * 20 - 10);
            var b = a + (float)(random.NextDouble() * 20);
            var p = QuantizationParameters.UInt8Asymmetric(a, b);
            Assert.InRange(p.ZeroPoint, 0, 255);
            Assert.Equal(0f, p.Scale * (p.ZeroPoint - p.ZeroPoint)); // q = zero point dequantizes to exactly 0
        }
    }

    [Fact]
    public void TheRangeChoosesParametersByActivationType()
    {
        var range = new CalibrationRange(-1f, 3f);
        Assert.Equal(range.Int8Symmetric(), range.For(ActivationType.Int8));
        Assert.Equal(range.UInt8Asymmetric(), range.For(ActivationType.UInt8));
    }
}
