using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Compression.Engine.Tests.Quantization;

/// <summary>
/// ONNX Runtime in process (Microsoft.ML.OnnxRuntime, the package apps reference) for tests that choose their own
/// inputs: token ids a generated-input run could not keep inside a table, float inputs of a hand-built model.
/// Full graph optimization, one thread, as the acceptance tests run it.
/// </summary>
internal static class InProcessOnnxRuntime
{
    /// <summary>One named input: int64 or float values of a shape.</summary>
    public sealed record Input(string Name, long[] Shape, Array Values);

    public static InferenceSession Session(string model, string? optimizedModelPath = null, int threads = 1,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = optimization,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (optimizedModelPath is not null) options.OptimizedModelFilePath = optimizedModelPath;
        return new InferenceSession(model, options);
    }

    /// <summary>Every output, as float, in the session's output order.</summary>
    public static List<(long[] Shape, float[] Values)> Run(InferenceSession session, IReadOnlyList<Input> inputs)
    {
        var values = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach (var input in inputs)
                values[input.Name] = input.Values switch
                {
                    long[] ints => OrtValue.CreateTensorValueFromMemory(ints, input.Shape),
                    float[] floats => OrtValue.CreateTensorValueFromMemory(floats, input.Shape),
                    _ => throw new ArgumentException($"{input.Name}: only int64 and float inputs", nameof(inputs)),
                };
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, values, session.OutputNames);
            return results.Select(r => (r.GetTensorTypeAndShape().Shape, r.GetTensorDataAsSpan<float>().ToArray())).ToList();
        }
        finally
        {
            foreach (var value in values.Values) value.Dispose();
        }
    }

    public static List<(long[] Shape, float[] Values)> Run(string model, IReadOnlyList<Input> inputs)
    {
        using var session = Session(model);
        return Run(session, inputs);
    }

    /// <summary>Median milliseconds of one run over <paramref name="iterations"/> runs after <paramref name="warmup"/> unmeasured ones, each input set in turn.</summary>
    public static double MedianMilliseconds(InferenceSession session, IReadOnlyList<IReadOnlyList<Input>> samples, int iterations, int warmup = 3)
    {
        for (var i = 0; i < warmup; i++) Run(session, samples[i % samples.Count]);
        var times = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            Run(session, samples[i % samples.Count]);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// SQNR in dB of the first output of <paramref name="compressed"/> against <paramref name="original"/> over the
    /// sample folders of <paramref name="samples"/>, each holding <c>{input}.npy</c>. The compressed model runs without
    /// graph optimizations: the QDQ graph's own semantics, not a fused kernel's.
    /// </summary>
    public static double FirstOutputSqnr(string original, string compressed, string samples, string input, long[] shape)
    {
        double signal = 0, noise = 0;
        using var reference = Session(original);
        using var actual = Session(compressed, optimization: GraphOptimizationLevel.ORT_DISABLE_ALL);
        foreach (var sample in Directory.GetDirectories(samples).Order(StringComparer.Ordinal))
        {
            var values = Compression.Onnx.Tensors.TensorData.Read<float>(Compression.Onnx.DataFiles.NpyFile.Read(Path.Combine(sample, input + ".npy")));
            Input[] inputs = [new(input, shape, values)];
            var e = Run(reference, inputs)[0].Values;
            var g = Run(actual, inputs)[0].Values;
            for (var i = 0; i < e.Length; i++)
            {
                signal += (double)e[i] * e[i];
                noise += ((double)e[i] - g[i]) * ((double)e[i] - g[i]);
            }
        }
        return 10 * Math.Log10(signal / noise);
    }
}
