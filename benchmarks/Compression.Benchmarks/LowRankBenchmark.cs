using System.Globalization;
using Compression.Engine.LowRank;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Benchmarks;

/// <summary>
/// The SVD behind low-rank factorization, in one run: randomized (ranks 64 and 256) against MathNet's full SVD (timed
/// once: it is the slow one) on square matrices of 1024 and 2048 with a slowly decaying spectrum (σ_i = 1/(1+i), like
/// trained layers), with the randomized factors' error against the optimal truncation; then the whole pass per real
/// model (LowRank=energy:0.99, no calibration data: load, SVDs, save and the executor's fidelity run). Best of --runs.
/// </summary>
internal static class LowRankBenchmark
{
    public static int Run(string[] args)
    {
        var runs = WallClock.Runs(args, 2);
        Console.WriteLine("| matrix | method | rank | ms | error / optimal error |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var size in new[] { 1024, 2048 })
        {
            var (a, spectrum) = Decaying(size, seed: 5);
            Matrix<double>? fullU = null;
            var full = WallClock.BestMilliseconds(1, () => fullU = a.Svd(computeVectors: true).U);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size}×{size} | MathNet full SVD | all | {full:F0} | 1 |"));
            foreach (var rank in new[] { 64, 256 })
            {
                SvdFactors? factors = null;
                var ms = WallClock.BestMilliseconds(runs, () => factors = TruncatedSvd.ComputeRandomized(a, rank));
                var error = (a - (factors!.U * Matrix<double>.Build.DenseOfDiagonalArray(factors.S) * factors.Vt)).FrobeniusNorm();
                var optimal = Math.Sqrt(spectrum.Skip(rank).Sum(s => s * s));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size}×{size} | randomized (p = {TruncatedSvd.Oversampling}, q = {TruncatedSvd.PowerIterations}) | {rank} | {ms:F0} | {error / optimal:F4} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| model | LowRank=energy:0.99 ms | LowRank=rank:0.5 ms |");
        Console.WriteLine("| --- | ---: | ---: |");
        var folder = Directory.CreateTempSubdirectory("cb-lowrank-bench-").FullName;
        try
        {
            foreach (var real in Compression.Testing.TestAssets.RealModels)
            {
                var path = real.RequirePath();
                double Factor(string spec) => WallClock.BestMilliseconds(runs, () => ModelCompressor.Compress(path, Path.Combine(folder, "lr.onnx"), "bench",
                    RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["LowRank"] = spec })));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {real.Name} | {Factor("energy:0.99"):F0} | {Factor("rank:0.5"):F0} |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    /// <summary>A = Q1·diag(σ)·Q2ᵀ, Q orthonormal from the QR of a fixed ±1 matrix, σ_i = 1/(1+i).</summary>
    private static (Matrix<double> A, double[] Spectrum) Decaying(int size, int seed)
    {
        var random = new Random(seed);
        Matrix<double> Orthonormal()
        {
            var values = new double[size * size];
            for (var i = 0; i < values.Length; i++) values[i] = random.Next(2) == 0 ? -1 : 1;
            return Matrix<double>.Build.Dense(size, size, values).QR().Q;
        }
        var spectrum = Enumerable.Range(0, size).Select(i => 1.0 / (1 + i)).ToArray();
        return (Orthonormal() * Matrix<double>.Build.DenseOfDiagonalArray(spectrum) * Orthonormal().Transpose(), spectrum);
    }
}
