using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Testing;

namespace Compression.Engine.Tests.Preprocessing;

/// <summary>Runs a tiny model before and after a rewrite, in ONNX Runtime 1.30 or on the executor, on seeded random inputs.</summary>
internal static class PreprocessingOracle
{
    /// <summary>Uniform values in [-1, 1) for every declared float input of <paramref name="model"/> (fixed shapes).</summary>
    public static Dictionary<string, TensorProto> Inputs(ModelProto model, int seed = 7)
    {
        var random = new Random(seed);
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToDictionary(i => i.Name, i =>
        {
            var dims = i.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
            var values = new float[dims.Aggregate(1L, (a, d) => a * d)];
            for (var k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() * 2 - 1);
            return TensorData.Create<float>(i.Name, dims, values);
        }, StringComparer.Ordinal);
    }

    /// <summary>The largest |difference| over all outputs of the two models in ONNX Runtime.</summary>
    public static async Task<double> MaxDifferenceInOnnxRuntimeAsync(ModelProto original, ModelProto changed)
    {
        using var temp = new TempFolder("preprocess-tiny");
        var inputs = temp.CreateFolder("inputs");
        foreach (var (name, tensor) in Inputs(original)) NpyFile.Write(Path.Combine(inputs, $"{name}.npy"), tensor);
        var before = temp.Combine("before.onnx");
        var after = temp.Combine("after.onnx");
        OnnxModel.FromProto(original).Save(before);
        OnnxModel.FromProto(changed).Save(after);
        var expected = await OnnxRuntimeOracle.RunAsync(before, inputs, temp.Combine("expected"));
        var actual = await OnnxRuntimeOracle.RunAsync(after, inputs, temp.Combine("actual"));
        return expected.Outputs.Zip(actual.Outputs).Max(p =>
            TensorData.ReadAsFloat(NpyFile.Read(p.First.Path)).Zip(TensorData.ReadAsFloat(NpyFile.Read(p.Second.Path)))
                .Max(v => Math.Abs((double)v.First - v.Second)));
    }

    /// <summary>The largest |difference| over all outputs of the two models on the executor.</summary>
    public static double MaxDifferenceOnExecutor(ModelProto original, ModelProto changed)
    {
        var inputs = Inputs(original).ToDictionary(p => p.Key, p => TensorConversion.FromProto(p.Value), StringComparer.Ordinal);
        var expected = new ModelExecutor(OnnxModel.FromProto(original)).Run(inputs);
        var actual = new ModelExecutor(OnnxModel.FromProto(changed)).Run(inputs);
        return expected.Max(p => p.Value.ToArray<float>().Zip(actual[p.Key].ToArray<float>()).Max(v => Math.Abs((double)v.First - v.Second)));
    }
}
