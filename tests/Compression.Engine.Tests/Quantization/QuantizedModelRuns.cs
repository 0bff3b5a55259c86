using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Model;
using Compression.Testing;

namespace Compression.Engine.Tests.Quantization;

/// <summary>
/// What the tests of the quantization modes do alike: compress a real model with one recipe (validated on its data set,
/// or on its one real input when it has none), run it in ONNX Runtime and read back the optimized graph, measure fidelity.
/// </summary>
internal static class QuantizedModelRuns
{
    /// <summary>Validation samples per CNN: enough for a stable SQNR, few enough to run in seconds.</summary>
    public const int ValidationSamples = 8;

    public static Recipe Recipe(params (string Option, string Value)[] options) =>
        RecipeOptions.Apply(Compression.Engine.Recipes.Recipe.Identity, options.ToDictionary(o => o.Option, o => o.Value));

    /// <summary>The model's validation set: rendered samples, or for hello-deepa (no data set) its one real input as a one-sample set.</summary>
    public static async Task<string> ValidationAsync(string name, TempFolder temp)
    {
        if (name != "hello-deepa") return await RealDataSets.GetAsync(name, ValidationSamples, first: 100);
        var folder = temp.CreateFolder("validation");
        await RealInputs.WriteAsync(name, folder);
        return folder;
    }

    public static async Task<(string Original, string Compressed, CompressionResult Result, string Validation)> CompressAsync(
        string name, Recipe recipe, TempFolder temp, int? threads = null)
    {
        var original = TestAssets.RealModel(name).RequirePath();
        var validation = await ValidationAsync(name, temp);
        var compressed = temp.Combine("q.onnx");
        var result = ModelCompressor.Compress(original, compressed, "portable", recipe, validation, threads: threads);
        return (original, compressed, result, validation);
    }

    /// <summary>ONNX Runtime's optimized graph of <paramref name="model"/> (run once on its real input): operator type → count.</summary>
    public static async Task<Dictionary<string, int>> OptimizedOperatorsAsync(string model, string name, TempFolder temp)
    {
        var inputs = temp.CreateFolder("ort-inputs");
        await RealInputs.WriteAsync(name, inputs);
        var optimized = temp.Combine("optimized.onnx");
        await OnnxRuntimeOracle.RunAsync(model, inputs, temp.Combine("ort-out"), new OracleOptions { OptimizedModelOut = optimized });
        return OnnxModel.Load(optimized).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>Operator type → count in a model's main graph.</summary>
    public static Dictionary<string, int> Operators(string model) =>
        OnnxModel.Load(model).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public static string Histogram(Dictionary<string, int> ops) => string.Join(" ", ops.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}:{o.Value}"));

    /// <summary>Compresses a tiny model, runs both in ONNX Runtime on generated inputs: our operators, ONNX Runtime's optimized ones, the output's SQNR.</summary>
    public static async Task<(Dictionary<string, int> Ours, Dictionary<string, int> Ort, double Sqnr)> CompressTinyAsync(Compression.Onnx.Protobuf.ModelProto model, Recipe recipe, TempFolder temp)
    {
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        var compressed = temp.Combine("q.onnx");
        ModelCompressor.Compress(path, compressed, "portable", recipe);
        var inputs = temp.CreateFolder("inputs");
        await ModelInputs.GenerateAsync(path, inputs);
        var optimized = temp.Combine("optimized.onnx");
        var reference = await OnnxRuntimeOracle.RunAsync(path, inputs, temp.Combine("reference"));
        var actual = await OnnxRuntimeOracle.RunAsync(compressed, inputs, temp.Combine("actual"), new OracleOptions { OptimizedModelOut = optimized });
        var ort = OnnxModel.Load(optimized).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return (Operators(compressed), ort, Fidelity.SqnrDb(reference, actual).Min());
    }

    /// <summary>A [96 → 48] Gemm whose weight is stored [N, K] and read with transB, as PyTorch exports Linear layers.</summary>
    public static Compression.Onnx.Protobuf.ModelProto GemmTransB()
    {
        var model = TinyModels.Dense(96, 48);
        var values = Compression.Onnx.Tensors.TensorData.Read<float>(model.Graph.Initializer[0]);
        var transposed = new float[values.Length];
        for (var k = 0; k < 96; k++)
            for (var n = 0; n < 48; n++) transposed[n * 96 + k] = values[k * 48 + n];
        model.Graph.Initializer[0] = TinyModels.FloatTensor("W", [48, 96], transposed);
        model.Graph.Node[0].Attribute.Add(new Compression.Onnx.Protobuf.AttributeProto { Name = "transB", Type = Compression.Onnx.Protobuf.AttributeProto.Types.AttributeType.Int, I = 1 });
        return model;
    }

    /// <summary>A MatMul of a [2, 3, 64] activation (a batch of row blocks) by a constant [64, 32] weight.</summary>
    public static Compression.Onnx.Protobuf.ModelProto BatchedMatMul() => TinyModels.Model(new Compression.Onnx.Protobuf.GraphProto
    {
        Name = "batched",
        Input = { TinyModels.Float("x", 2, 3, 64) },
        Output = { TinyModels.Float("y", 2, 3, 32) },
        Initializer = { TinyModels.Dense(64, 32).Graph.Initializer[0] },
        Node = { TinyModels.Node("MatMul", ["x", "W"], ["y"]) },
    });

    /// <summary>A dense layer at opset 9 followed by Upsample, which the opset converter has no step for: no opset can be raised.</summary>
    public static string UnconvertibleModel(TempFolder temp)
    {
        var model = TinyModels.Dense(16, 8);
        model.OpsetImport[0].Version = 9;
        model.Graph.Node.Add(TinyModels.Node("Upsample", ["y", "scales"], ["u"]));
        model.Graph.Initializer.Add(TinyModels.FloatTensor("scales", [2], [1, 2]));
        model.Graph.Output.Add(TinyModels.Float("u"));
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        return path;
    }
}
