namespace Compression.Engine.Tests.Calibration;

/// <summary>Seeded synthetic activations with known distributions for the calibration tests.</summary>
internal static class SyntheticData
{
    public static float[] Uniform(int count, float low, float high, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray();
    }

    /// <summary>Standard normal values by Box–Muller (test data: libm is fine here, nothing derived is compared bit for bit across machines).</summary>
    public static float[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u = 1.0 - random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return values;
    }

    /// <summary><paramref name="values"/> cut into consecutive chunks of <paramref name="size"/> (the last may be shorter).</summary>
    public static IEnumerable<float[]> Chunks(float[] values, int size)
    {
        for (var start = 0; start < values.Length; start += size)
            yield return values[start..Math.Min(values.Length, start + size)];
    }
}
