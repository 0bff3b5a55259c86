using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Convolution;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

namespace Compression.Benchmarks;

/// <summary>
/// GFLOP/s of the executor's GEMM micro-kernel path (packed operands, one thread) and of the direct convolution's,
/// against the machine's single-core Vector256 peak, found two ways: measured, by a loop of independent Vector256
/// fused multiply-adds (enough chains to hide the FMA latency, so it runs at the FMA ports' throughput), and nominal,
/// 2 FMA ports × 8 lanes × 2 flops × the clock /proc/cpuinfo reports.
/// </summary>
internal static class GemmThroughput
{
    public static void Print()
    {
        var measured = MeasuredPeak();
        var mhz = CpuMegahertz();
        var nominal = mhz is { } f ? 2 * 8 * 2 * f / 1000.0 : double.NaN;
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant(
            $"single-thread Vector256 FMA peak: measured {measured:F1} GFLOP/s (thread-CPU time, as every row below); nominal {nominal:F1} GFLOP/s (2 FMA ports x 8 floats x 2 flops x {mhz:F0} MHz from /proc/cpuinfo)"));
        Console.WriteLine("| GEMM m x n x k (1 thread, operands pre-packed) | GFLOP/s | of measured peak |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var (m, n, k) in new[] { (256, 256, 256), (64, 4096, 144), (96, 1024, 576), (512, 512, 512) })
        {
            var gflops = Gemm(m, n, k);
            Console.WriteLine(FormattableString.Invariant($"| {m} x {n} x {k} | {gflops:F1} | {gflops / measured:P0} |"));
        }
        Console.WriteLine();
        Console.WriteLine("| direct convolution C -> M, kernel / stride, input H x W (1 thread) | GFLOP/s | of measured peak |");
        Console.WriteLine("| --- | ---: | ---: |");
        // BlazeFace's first layer, PaddleOCR det's 3x3 convolutions, and a 3x3 stride-2 downsampling.
        foreach (var (c, m, kernel, stride, h, w) in new[] { (3, 24, 5, 2, 128, 128), (96, 24, 3, 1, 24, 80), (16, 32, 3, 2, 64, 64) })
        {
            var gflops = Direct(c, m, kernel, stride, h, w);
            Console.WriteLine(FormattableString.Invariant($"| {c} -> {m}, {kernel}x{kernel} / {stride}, {h} x {w} | {gflops:F1} | {gflops / measured:P0} |"));
        }
    }

    private static double Gemm(int m, int n, int k)
    {
        var random = new Random(1);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble()).ToArray();
        var pa = new float[GemmCore.PackedASize(m, k)];
        var pb = new float[GemmCore.PackedBSize(k, n)];
        var c = new float[m * n];
        var one = new Parallelism(1);
        GemmCore.PackA(a, 0, k, 1, m, k, pa);
        GemmCore.PackB(b, 0, n, 1, k, n, pb, one);
        return BestOf(2.0 * m * n * k, () => GemmCore.Multiply(pa, 0, pb, m, n, k, c, 0, n, one));
    }

    /// <summary>
    /// The direct convolution (<see cref="DirectConvolution"/>: the GEMM's register tile fed from padded input rows) on
    /// one image, 1 thread, no bias: C input channels, M filters of kernel × kernel at the stride, pads of kernel / 2.
    /// </summary>
    private static double Direct(int channels, int filters, int kernel, int stride, int height, int width)
    {
        var random = new Random(1);
        var pad = kernel / 2;
        var attributes = new WindowGeometry.Attributes("NOTSET", [kernel, kernel], [stride, stride], [1, 1], [pad, pad, pad, pad], false);
        var g = WindowGeometry.Create(attributes, [height, width]);
        var k = channels * kernel * kernel;
        var x = Enumerable.Range(0, channels * height * width).Select(_ => (float)random.NextDouble()).ToArray();
        var w = Enumerable.Range(0, filters * k).Select(_ => (float)random.NextDouble()).ToArray();
        var pa = new float[GemmCore.PackedASize(filters, k)];
        GemmCore.PackA(w, 0, k, 1, filters, k, pa);
        var y = new float[filters * g.OutputSize];
        var store = new ConvOutputStore(null, null, [], y, g.OutputSize, filters);
        var one = new Parallelism(1);
        return BestOf(2.0 * filters * k * g.OutputSize, () => DirectConvolution.Run(x, 0, channels, pa, 0, filters, store, y, 0, g, one));
    }

    /// <summary>
    /// GFLOP/s of the best of 7 timings of about 2 GFLOP each, in this thread's CPU time (<see cref="ThreadClock"/>):
    /// what the kernel reaches when the shared machine lets it, without the time spent waiting for a core.
    /// </summary>
    private static double BestOf(double flops, Action run)
    {
        var repeats = Math.Max(3, (int)(2e9 / flops));
        var best = new List<double>();
        for (var trial = 0; trial < 7; trial++)
        {
            var start = ThreadClock.Milliseconds();
            for (var r = 0; r < repeats; r++) run();
            best.Add(flops * repeats / (ThreadClock.Milliseconds() - start) / 1e6);
        }
        best.Sort();
        return best[^1];
    }

    /// <summary>Best of 7 thread-CPU timings of 12 independent FMA chains (12 × 8 lanes × 2 flops per iteration).</summary>
    private static double MeasuredPeak()
    {
        const long iterations = 50_000_000;
        var results = new List<double>();
        for (var trial = 0; trial < 7; trial++)
        {
            var start = ThreadClock.Milliseconds();
            var sink = FmaLoop(iterations);
            var seconds = (ThreadClock.Milliseconds() - start) / 1e3;
            if (sink == 12345f) Console.Write("");
            results.Add(iterations * 12 * 8 * 2 / seconds / 1e9);
        }
        results.Sort();
        return results[^1];
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var d = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, d); c1 = Vector256.FusedMultiplyAdd(c1, m, d);
            c2 = Vector256.FusedMultiplyAdd(c2, m, d); c3 = Vector256.FusedMultiplyAdd(c3, m, d);
            c4 = Vector256.FusedMultiplyAdd(c4, m, d); c5 = Vector256.FusedMultiplyAdd(c5, m, d);
            c6 = Vector256.FusedMultiplyAdd(c6, m, d); c7 = Vector256.FusedMultiplyAdd(c7, m, d);
            c8 = Vector256.FusedMultiplyAdd(c8, m, d); c9 = Vector256.FusedMultiplyAdd(c9, m, d);
            c10 = Vector256.FusedMultiplyAdd(c10, m, d); c11 = Vector256.FusedMultiplyAdd(c11, m, d);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static double? CpuMegahertz()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
