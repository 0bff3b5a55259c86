using Compression.Evaluation.Numerics;

namespace Compression.Engine.LowRank;

/// <summary>
/// Standard normal numbers from a seed, the same sequence on every machine and runtime: SplitMix64 (Steele, Lea and
/// Flood 2014) for the uniform bits — System.Random's algorithm is not promised to stay the same across .NET versions —
/// and Marsaglia's polar method for the normals, whose only non-basic operation is a logarithm, taken from
/// <see cref="DeterministicMath"/> rather than the platform's libm.
/// </summary>
internal sealed class SeededGaussian(ulong seed)
{
    private ulong _state = seed;
    private double? _spare;

    /// <summary>The next standard normal number.</summary>
    public double Next()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }
        while (true)
        {
            var u = (2 * NextUniform()) - 1;
            var v = (2 * NextUniform()) - 1;
            var s = (u * u) + (v * v);
            if (s >= 1 || s == 0) continue;
            var factor = Math.Sqrt(-2 * DeterministicMath.Log(s) / s);
            _spare = v * factor;
            return u * factor;
        }
    }

    /// <summary>A uniform number in [0, 1) with 53 random bits.</summary>
    private double NextUniform() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    private ulong NextBits()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
