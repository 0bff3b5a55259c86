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

    /// <summary>SQNR of each output of two ONNX Runtime runs (output_i.npy files in the same order).</summary>
    public static IReadOnlyList<double> SqnrDb(OracleResult reference, OracleResult actual) =>
        reference.Outputs.Zip(actual.Outputs).Select(p =>
            SqnrDb(TensorData.ReadAsFloat(NpyFile.Read(p.First.Path)), TensorData.ReadAsFloat(NpyFile.Read(p.Second.Path)))).ToList();
}
