using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;

namespace Compression.Testing;

/// <summary>How close a compressed model's outputs are to the original's: SQNR in dB and the largest absolute error.</summary>
public static class Fidelity
{
    /// <summary>10·log10(Σ ref² / Σ (ref − x)²); +∞ when identical.</summary>
    public static double SqnrDb(ReadOnlySpan<float> reference, ReadOnlySpan<float> actual)
    {
        if (reference.Length != actual.Length) throw new ArgumentException("outputs differ in length");
        double signal = 0, noise = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            var d = (double)reference[i] - actual[i];
            noise += d * d;
        }
        return noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
    }

    /// <summary>
    /// ONNX Runtime's view of a compressed model over a data set: per output, SQNR from the noise and signal summed over
    /// all samples (as the engine's report computes it), and the share of samples whose arg-max agrees.
    /// </summary>
    public static async Task<IReadOnlyList<(double SqnrDb, double Top1Agreement)>> OverDataSetAsync(string original, string compressed, string dataSet, string work)
    {
        var reference = await OnnxRuntimeOracle.RunDataSetAsync(original, dataSet, Path.Combine(work, "reference")).ConfigureAwait(false);
        var actual = await OnnxRuntimeOracle.RunDataSetAsync(compressed, dataSet, Path.Combine(work, "actual")).ConfigureAwait(false);
        var outputs = reference[0].Count;
        var result = new List<(double, double)>();
        for (var o = 0; o < outputs; o++)
        {
            double signal = 0, noise = 0;
            var agree = 0;
            for (var s = 0; s < reference.Count; s++)
            {
                var r = TensorData.ReadAsFloat(NpyFile.Read(reference[s][o]));
                var a = TensorData.ReadAsFloat(NpyFile.Read(actual[s][o]));
                for (var i = 0; i < r.Length; i++)
                {
                    signal += (double)r[i] * r[i];
                    noise += ((double)r[i] - a[i]) * ((double)r[i] - a[i]);
                }
                if (ArgMax(r) == ArgMax(a)) agree++;
            }
            result.Add((noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise), (double)agree / reference.Count));
        }
        return result;
    }

    /// <summary>The arg-max of each sample's first output, the predicted class for a classifier.</summary>
    public static async Task<IReadOnlyList<int>> PredictionsAsync(string model, string dataSet, string work) =>
        (await OnnxRuntimeOracle.RunDataSetAsync(model, dataSet, work).ConfigureAwait(false))
            .Select(files => ArgMax(TensorData.ReadAsFloat(NpyFile.Read(files[0])))).ToList();

    /// <summary>The index of the largest value, the first of equal maxima (as numpy's argmax).</summary>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>SQNR of each output of two ONNX Runtime runs (output_i.npy files in the same order).</summary>
    public static IReadOnlyList<double> SqnrDb(OracleResult reference, OracleResult actual) =>
        reference.Outputs.Zip(actual.Outputs).Select(p =>
            SqnrDb(TensorData.ReadAsFloat(NpyFile.Read(p.First.Path)), TensorData.ReadAsFloat(NpyFile.Read(p.Second.Path)))).ToList();
}
