using System.Diagnostics;
using System.Runtime.InteropServices;
using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Engine.Runtime;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Acceptance;

/// <summary>
/// The engine accepts what ONNX Runtime accepts (issue 16): over ONNX's backend suite, the real models and the old-IR
/// exports, every model ONNX Runtime 1.32 loads must pass the engine's load and check, and round-trip through the
/// <c>none</c> profile (ModelCompressor: load, normalize, plan, save) into a model whose ONNX Runtime outputs are
/// identical, bit for bit, to the original's on the suite's own input_*.pb (seeded synthetic inputs for the others).
/// Models whose original outputs differ between two runs (random operators) are counted and not compared.
/// </summary>
public class AcceptanceCorpusTests
{
    private readonly ITestOutputHelper _output;

    public AcceptanceCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_model_onnx_runtime_loads_is_accepted_by_the_engine_and_round_trips_with_identical_outputs() =>
        Accepts(TestAssets.BackendModels(), TestAssets.AllRealModels);

    private void Accepts(IEnumerable<string> backendModels, IEnumerable<RealModel> realModels)
    {
        using var temp = new TempFolder("corpus");
        var corpus = new List<(string Name, string Path)>();
        corpus.AddRange(backendModels.Select(p => (Path.GetRelativePath(TestAssets.BackendSuiteRoot, Path.GetDirectoryName(p)!), p)));
        corpus.AddRange(realModels.Select(m => ($"real/{m.Name}", m.RequirePath())));
        corpus.AddRange(OldIrExports.All.Select(e => ($"old-ir/{e.Name}", OldIrExports.Write(e.Name, temp.Combine($"{e.Name}.onnx")))));

        var watch = Stopwatch.StartNew();
        int ortLoads = 0, engineAccepts = 0, acceptedOrtRefuses = 0, compared = 0, random = 0, uncomparable = 0;
        var refused = new List<string>();
        var differ = new List<string>();
        foreach (var (name, path) in corpus)
        {
            var loads = OrtLoads(path);
            CompressionJob? job = null;
            string? why = null;
            try
            {
                job = CompressionJob.Prepare(path, ModelCompressor.IdentityProfile, Recipe.Identity) with
                {
                    OnnxRuntime = OnnxRuntimeOptions.Off("the corpus test runs ONNX Runtime itself"),
                };
            }
            catch (CompressionException e)
            {
                why = $"{e.Code} {e.Message}";
            }
            if (!loads)
            {
                if (job is not null) acceptedOrtRefuses++;
                continue;
            }
            ortLoads++;
            if (job is null)
            {
                refused.Add($"{name}: {why}");
                continue;
            }
            engineAccepts++;
            var output = temp.Combine("round-trip.onnx");
            ModelCompressor.Run(job, output);
            switch (Compare(path, output))
            {
                case Comparison.Identical: compared++; break;
                case Comparison.Random: random++; break;
                case Comparison.NoInputs: uncomparable++; break;
                case Comparison.Different d: differ.Add($"{name}: {d.What}"); break;
            }
        }

        var summary = $"corpus of {corpus.Count} models: ONNX Runtime loads {ortLoads}, the engine accepts {engineAccepts} of them " +
            $"(and {acceptedOrtRefuses} of the {corpus.Count - ortLoads} ONNX Runtime refuses, which a build's ONNX Runtime check then refuses); " +
            $"round trips through --profile none: {compared} with identical ONNX Runtime outputs, {random} with outputs that differ run to run " +
            $"(random operators, not compared), {uncomparable} with inputs the test cannot feed (sequences, optionals), {differ.Count} different; " +
            $"{watch.Elapsed.TotalSeconds:F0} s";
        _output.WriteLine(summary);
        Assert.True(ortLoads == engineAccepts, $"{summary}. Refused by the engine but loaded by ONNX Runtime:\n{string.Join("\n", refused)}");
        Assert.True(differ.Count == 0, $"{summary}. Different outputs after the round trip:\n{string.Join("\n", differ)}");
        Assert.True(compared > ortLoads / 2, summary);
    }

    private static bool OrtLoads(string path)
    {
        try
        {
            using var session = Session(path);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    private abstract record Comparison
    {
        public sealed record Identical : Comparison;
        public sealed record Random : Comparison;
        public sealed record NoInputs : Comparison;
        public sealed record Different(string What) : Comparison;
    }

    private static Comparison Compare(string original, string roundTrip)
    {
        using var reference = Session(original);
        using var actual = Session(roundTrip);
        if (!reference.InputNames.SequenceEqual(actual.InputNames)) return new Comparison.Different($"inputs {string.Join(",", actual.InputNames)}");
        if (!reference.OutputNames.SequenceEqual(actual.OutputNames)) return new Comparison.Different($"outputs {string.Join(",", actual.OutputNames)}");
        var feeds = Inputs(original, reference);
        if (feeds is null) return new Comparison.NoInputs();
        try
        {
            var first = Run(reference, feeds);
            var again = Run(reference, feeds);
            if (!first.SequenceEqual(again)) return new Comparison.Random();
            var got = Run(actual, feeds);
            if (first.SequenceEqual(got)) return new Comparison.Identical();
            var o = Enumerable.Range(0, first.Count).First(i => first[i] != got[i]);
            return new Comparison.Different($"output {reference.OutputNames[o]}");
        }
        catch (OnnxRuntimeException)
        {
            // The original itself does not run on these inputs (a backend case that expects a failure): nothing to compare.
            return new Comparison.NoInputs();
        }
        finally
        {
            foreach (var value in feeds.Values) value.Dispose();
        }
    }

    /// <summary>
    /// The suite's test_data_set_0/input_*.pb beside the model (by name, else position), or seeded inputs from the
    /// session's metadata: floats in [−1, 1), integers 0 or 1 (valid token ids, masks and indices), dynamic dimensions 1
    /// for the first and 32 for the others. Null when an input is not a tensor.
    /// </summary>
    private static Dictionary<string, OrtValue>? Inputs(string model, InferenceSession session)
    {
        var feeds = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        var dataSet = Path.Combine(Path.GetDirectoryName(model)!, "test_data_set_0");
        if (Directory.Exists(dataSet))
        {
            var files = Directory.GetFiles(dataSet, "input_*.pb").OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[6..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            for (var i = 0; i < files.Count; i++)
            {
                TensorProto tensor;
                try
                {
                    tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(files[i]));
                }
                catch (Google.Protobuf.InvalidProtocolBufferException)
                {
                    return Dispose(feeds);
                }
                var name = session.InputNames.Contains(tensor.Name) ? tensor.Name : i < session.InputNames.Count ? session.InputNames[i] : null;
                if (name is null || !session.InputMetadata[name].IsTensor || ToOrtValue(tensor) is not { } value) return Dispose(feeds);
                feeds[name] = value;
            }
            return feeds.Count == session.InputNames.Count ? feeds : Dispose(feeds);
        }
        var random = new Random(7);
        foreach (var name in session.InputNames)
        {
            var meta = session.InputMetadata[name];
            if (!meta.IsTensor) return Dispose(feeds);
            var dims = meta.Dimensions.Select((d, k) => d > 0 ? (long)d : k == 0 ? 1 : 32).ToArray();
            var count = dims.Aggregate(1L, (a, d) => a * d);
            var tensor = new TensorProto { DataType = (int)meta.ElementDataType, Dims = { dims } };
            switch (meta.ElementDataType)
            {
                case TensorElementType.Float: tensor.FloatData.AddRange(Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1))); break;
                case TensorElementType.Int64: tensor.Int64Data.AddRange(Enumerable.Range(0, (int)count).Select(_ => (long)random.Next(2))); break;
                case TensorElementType.Int32: tensor.Int32Data.AddRange(Enumerable.Range(0, (int)count).Select(_ => random.Next(2))); break;
                default: return Dispose(feeds);
            }
            feeds[name] = ToOrtValue(tensor)!;
        }
        return feeds;
    }

    private static Dictionary<string, OrtValue>? Dispose(Dictionary<string, OrtValue> feeds)
    {
        foreach (var value in feeds.Values) value.Dispose();
        return null;
    }

    private static OrtValue? ToOrtValue(TensorProto tensor)
    {
        var type = (DataType)tensor.DataType;
        if (type == DataType.String)
            return OrtValue.CreateFromStringTensor(new DenseTensor<string>(TensorData.ReadStrings(tensor), tensor.Dims.Select(d => (int)d).ToArray()));
        if (ElementTypes.BitsPerElement(type) is 0 or 4 || type is DataType.Complex64 or DataType.Complex128) return null;
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)(int)type, [.. tensor.Dims]);
        TensorData.ReadRawBytes(tensor).Span.CopyTo(value.GetTensorMutableDataAsSpan<byte>());
        return value;
    }

    /// <summary>Each output as text that is equal exactly when the values are: type, shape and the bytes (or strings) in hex.</summary>
    private static List<string> Run(InferenceSession session, Dictionary<string, OrtValue> feeds)
    {
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, feeds, session.OutputNames);
        return results.Select(Describe).ToList();
    }

    private static string Describe(OrtValue value)
    {
        switch (value.OnnxType)
        {
            case OnnxValueType.ONNX_TYPE_TENSOR:
                var info = value.GetTensorTypeAndShape();
                var shape = string.Join("x", info.Shape);
                if (info.ElementDataType == TensorElementType.String)
                    return $"string[{shape}]:{string.Join("\u0001", value.GetStringTensorAsArray())}";
                return $"{info.ElementDataType}[{shape}]:{Convert.ToHexString(value.GetTensorDataAsSpan<byte>())}";
            case OnnxValueType.ONNX_TYPE_SEQUENCE:
            case OnnxValueType.ONNX_TYPE_MAP:
                var count = value.GetValueCount();
                var parts = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    using var item = value.GetValue(i, OrtAllocator.DefaultInstance);
                    parts.Add(Describe(item));
                }
                return $"{value.OnnxType}({string.Join(";", parts)})";
            default:
                return value.OnnxType.ToString();
        }
    }

    private static InferenceSession Session(string model)
    {
        // Default ORT options but one thread: the same model and inputs then give the same bits.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        return new InferenceSession(model, options);
    }
}
