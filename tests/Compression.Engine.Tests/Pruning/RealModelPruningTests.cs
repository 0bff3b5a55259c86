using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Engine.Tests.Quantization;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;
using Xunit.Abstractions;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Pruning;

/// <summary>Unstructured and 2:4 pruning on the real models, alone and with int8 and packing, judged by ONNX Runtime 1.30.</summary>
public class RealModelPruningTests(ITestOutputHelper output)
{
    /// <summary>
    /// The SQNR floor of the worst output per model and recipe, from ONNX Runtime on the validation set (measured
    /// 2026-11-22, see docs/pruning.md; each floor about 3 dB under the measurement): pruning half the weights without
    /// retraining costs the detectors far more than the classifiers, whose softmax saturates.
    /// </summary>
    public static TheoryData<string, string, double> Floors() => new()
    {
        { "paddleocr-cls", "0.5", -1 },
        { "paddleocr-cls", "2:4", -1 },
        { "paddleocr-det", "0.5", -3 },
        { "paddleocr-det", "2:4", -3 },
        { "blazeface-front", "0.5", -7 },
        { "blazeface-front", "2:4", -8 },
        { "hello-deepa", "0.5", 34 },
        { "hello-deepa", "2:4", 7 },
    };

    [Theory]
    [MemberData(nameof(Floors))]
    public async Task Pruned_models_run_in_onnx_runtime_with_the_zeros_asked_for(string name, string pruning, double floorDb)
    {
        using var temp = new TempFolder("prune-real");
        var (original, compressed, result, validation) = await QuantizedModelRuns.CompressAsync(name, QuantizedModelRuns.Recipe(("Pruning", pruning)), temp);
        var pass = result.Passes.Single(p => p.Pass.StartsWith("prune-", StringComparison.Ordinal));
        Assert.True(pass.TensorsChanged > 0);
        var sparsity = WeightSparsity(compressed);
        var measured = await Fidelity.OverDataSetAsync(original, compressed, validation, temp.CreateFolder("ort"));
        output.WriteLine($"{name} {pruning}: weight sparsity {100 * sparsity:F1}%; {result.CompressionMilliseconds:F0} ms; ONNX Runtime "
            + string.Join(", ", measured.Select(m => $"{m.SqnrDb:F1} dB / top-1 {100 * m.Top1Agreement:F0}%")) + $"; {pass.Notes[0]}");
        // At least the half asked for: some models ship zero weights of their own (BlazeFace's padded channels).
        Assert.True(sparsity >= 0.45, $"weight sparsity {sparsity:P1}");
        Assert.All(measured, m => Assert.True(m.SqnrDb >= floorDb, $"SQNR {m.SqnrDb:F1} dB under the {floorDb} dB floor"));
    }

    /// <summary>Zeros of the prunable weights (float or int8) among all their elements.</summary>
    internal static double WeightSparsity(string model)
    {
        long zeros = 0, total = 0;
        foreach (var t in OnnxModel.Load(model).Proto.Graph.Initializer.Concat(OnnxModel.Load(model).Proto.Graph.Node
                     .Where(n => n.OpType == "Constant").Select(n => n.Attribute[0].T).Where(t => t is not null)))
        {
            if (t.Dims.Count < 2 || t.Dims.Aggregate(1L, (a, d) => a * d) < 64) continue;
            if (t.DataType == (int)DataType.Float) { var v = TensorData.Read<float>(t); zeros += v.Count(x => x == 0); total += v.Length; }
            else if (t.DataType == (int)DataType.Int8) { var v = TensorData.Read<sbyte>(t); zeros += v.Count(x => x == 0); total += v.Length; }
        }
        return total == 0 ? 0 : (double)zeros / total;
    }
}
