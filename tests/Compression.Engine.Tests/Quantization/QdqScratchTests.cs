using Compression.Engine.Preprocessing.OpsetConversion;
using Compression.Engine.Quantization.Static;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Quantization;

public class QdqScratchTests(ITestOutputHelper output)
{
    private sealed class MinMax : IExecutionObserver
    {
        public readonly Dictionary<string, (float Min, float Max)> Ranges = new();
        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (value.ElementType != TensorProto.Types.DataType.Float) return;
            var span = value.ReadOnlySpan<float>();
            float lo = 0, hi = 0;
            foreach (var v in span) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            if (Ranges.TryGetValue(name, out var r)) { lo = Math.Min(lo, r.Min); hi = Math.Max(hi, r.Max); }
            Ranges[name] = (lo, hi);
        }
    }

    [Theory]
    [InlineData("blazeface-front")]
    [InlineData("paddleocr-cls")]
    [InlineData("paddleocr-det")]
    public async Task Scratch(string name)
    {
        using var temp = new TempFolder("qdq-scratch");
        var path = TestAssets.RealModel(name).RequirePath();
        var proto = OnnxModel.Load(path).Proto;
        OpsetConverter.Convert(proto, 13, path);
        var model = OnnxModel.FromProto(proto);
        var inputs = temp.CreateFolder("inputs");
        await RealInputs.WriteAsync(name, inputs);
        var executor = new ModelExecutor(model);
        var feed = new Dictionary<string, Tensor>();
        var i = 0;
        foreach (var input in executor.Inputs) feed[input] = TensorConversion.FromProto(TensorData2.Read(Path.Combine(inputs, $"input_{i++}.npy")));
        var observer = new MinMax();
        executor.Run(feed, observer);

        var index = new ModelIndex(proto);
        var types = new Compression.Engine.Pipeline.CompressionContext(model, Compression.Engine.Recipes.Recipe.Identity).InferredTypes(index);
        var plan = QdqPlan.Build(index, types, _ => false, unsignedActivations: true);
        var parameters = new Dictionary<string, QdqParameters>();
        foreach (var v in plan.CalibratedValues)
        {
            var (lo, hi) = observer.Ranges[v];
            var scale = (hi - lo) / 255f;
            if (scale == 0) { parameters[v] = new QdqParameters(1, 0, TensorProto.Types.DataType.Uint8); continue; }
            var zp = (int)Math.Round(0 - lo / scale, MidpointRounding.ToEven);
            parameters[v] = new QdqParameters(scale, Math.Clamp(zp, 0, 255), TensorProto.Types.DataType.Uint8);
        }
        var writer = new QdqWriter(index, plan, parameters);
        writer.Write();
        var quantized = temp.Combine("q.onnx");
        OnnxModel.FromProto(proto).Save(quantized);
        output.WriteLine($"{name}: compute {plan.ComputeNodes.Count}, adds {plan.AddNodes.Count}, absorbed {plan.AbsorbedActivations.Count}, values {plan.QuantizedValues.Count}; weights {writer.WeightBytes.Before}/{writer.WeightBytes.After} = {(double)writer.WeightBytes.Before / writer.WeightBytes.After:F3}");
        var optimized = temp.Combine("opt.onnx");
        var reference = await OnnxRuntimeOracle.RunAsync(path, inputs, temp.Combine("ref"));
        var actual = await OnnxRuntimeOracle.RunAsync(quantized, inputs, temp.Combine("act"), new OracleOptions { OptimizedModelOut = optimized });
        output.WriteLine("SQNR " + string.Join(", ", Fidelity.SqnrDb(reference, actual).Select(s => s.ToString("F1"))));
        var ops = OnnxModel.Load(optimized).Graph.Node.GroupBy(n => n.OpType).Select(g => $"{g.Key}:{g.Count()}");
        output.WriteLine(string.Join(" ", ops));
    }
}

internal static class TensorData2
{
    public static TensorProto Read(string npy) => NpyFile.Read(npy);
}
