using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Model;
using Compression.Onnx.Tensors;
using Compression.Testing;

namespace Compression.Engine.Tests.Pruning;

/// <summary>The pruning masks on small models whose answer is known, and the coded errors for bad values.</summary>
public class PruningPassTests
{
    [Theory]
    [InlineData("1.5")]
    [InlineData("3:2")]
    [InlineData("channels:-1")]
    [InlineData("0")]
    [InlineData("2:0")]
    public void Bad_pruning_values_are_MCB2002_naming_the_option(string value)
    {
        var e = Assert.Throws<CompressionException>(() => RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = value }));
        Assert.Equal(EngineErrorCodes.InvalidOptionValue, e.Code);
        Assert.Contains("Pruning", e.Message);
    }

    [Fact]
    public void A_bad_pruning_scope_is_MCB2002() =>
        Assert.Equal(EngineErrorCodes.InvalidOptionValue, Assert.Throws<CompressionException>(() =>
            RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["PruningScope"] = "network" })).Code);

    [Fact]
    public void Layer_scope_prunes_the_smallest_half_of_each_weight_and_ties_go_by_index()
    {
        var w = Compress(Dense(8, 8, i => i % 2 == 0 ? 1f : (float)(i + 1)), "0.5");
        // The 32 elements of magnitude 1 are exactly the half that goes.
        Assert.Equal(32, w.Count(v => v == 0));
        Assert.All(w.Where((_, i) => i % 2 == 1), v => Assert.NotEqual(0f, v));
        // All equal: the lower flat indices go first.
        var flat = Compress(Dense(8, 8, _ => 1f), "0.25");
        Assert.All(flat.Take(16), v => Assert.Equal(0f, v));
        Assert.All(flat.Skip(16), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Two_of_four_keeps_the_two_largest_of_every_four_along_K_of_a_gemm()
    {
        // Gemm B is [K, N]: a group is four consecutive rows of one column.
        const int k = 16, n = 4; // 64 elements: the smallest weight pruning touches
        var w = Compress(Dense(k, n, i => (i / n * 7 + i % n * 3) % 11 + 1), "2:4");
        for (var column = 0; column < n; column++)
            for (var start = 0; start < k; start += 4)
            {
                var group = Enumerable.Range(start, 4).Select(row => w[row * n + column]).ToArray();
                Assert.Equal(2, group.Count(v => v != 0));
                var original = Enumerable.Range(start, 4).Select(row => (float)((row * 7 + column * 3) % 11 + 1)).ToArray();
                Assert.Equal(original.OrderDescending().Take(2).Order(), group.Where(v => v != 0).Order());
            }
    }

    [Theory]
    [InlineData("global")]
    [InlineData("auto")]
    public void Global_scope_prunes_the_layer_whose_weights_are_few_large_ones_more(string scope)
    {
        // W: every weight about as large as the others; W2: a few large weights among many near zero. LAMP's scores
        // take W2's small ones first, whatever the two layers' scales (W is scaled up 100 times).
        var zeros = GlobalZeros(scope, flatScale: 100);
        Assert.Equal(256, zeros.Flat + zeros.Peaked);
        Assert.True(zeros.Peaked > 200, $"the peaked layer lost {zeros.Peaked} of 256");
    }

    [Fact]
    public void Global_scope_does_not_depend_on_a_layers_scale()
    {
        Assert.Equal(GlobalZeros("global", flatScale: 1), GlobalZeros("global", flatScale: 1000));
        // Every layer keeps at least its largest weight.
        Assert.True(GlobalZeros("global", flatScale: 1e-6f).Flat < 256);
    }

    [Fact]
    public void Auto_scope_is_per_layer_for_channels()
    {
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = "channels:0.3" });
        Assert.Equal(PruningScope.Auto, recipe.PruningScope);
        Assert.Equal(PruningScope.Layer, recipe.ResolvedPruningScope);
        Assert.Equal(PruningScope.Global, (recipe with { Pruning = new PruningSpec.Unstructured(0.5) }).ResolvedPruningScope);
    }

    private static (int Flat, int Peaked) GlobalZeros(string scope, float flatScale)
    {
        using var temp = new TempFolder("prune-global");
        var model = TinyModels.Dense(16, 16);
        var flat = Enumerable.Range(0, 256).Select(i => flatScale * (float)(1 + (0.5 * Math.Sin(i)))).ToArray();
        TensorData.Replace(model.Graph.Initializer[0], [16, 16], (ReadOnlySpan<float>)flat);
        var peaked = Enumerable.Range(0, 256).Select(i => (float)(i % 16 == 0 ? 1 + (0.5 * Math.Sin(i)) : 0.01 * Math.Cos(i))).ToArray();
        model.Graph.Initializer.Add(TinyModels.FloatTensor("W2", [16, 16], peaked));
        model.Graph.Node.Add(TinyModels.Node("MatMul", ["y", "W2"], ["z"]));
        model.Graph.Output[0] = TinyModels.Float("z", 1, 16);
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = "0.5", ["PruningScope"] = scope });
        ModelCompressor.Compress(path, temp.Combine("p.onnx"), "test", recipe);
        var pruned = OnnxModel.Load(temp.Combine("p.onnx")).Proto.Graph.Initializer;
        return (TensorData.Read<float>(pruned.Single(t => t.Name == "W")).Count(v => v == 0),
            TensorData.Read<float>(pruned.Single(t => t.Name == "W2")).Count(v => v == 0));
    }

    [Fact]
    public void Pruned_zeros_stay_int8_zeros_after_int8_weight()
    {
        using var temp = new TempFolder("prune-int8");
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(TinyModels.Dense(32, 16)).Save(path);
        var recipe = RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = "0.5", ["Quantization"] = "int8-weight" });
        ModelCompressor.Compress(path, temp.Combine("q.onnx"), "test", recipe);
        var q = OnnxModel.Load(temp.Combine("q.onnx")).Proto.Graph.Initializer.Single(t => t.DataType == (int)Compression.Onnx.Protobuf.TensorProto.Types.DataType.Int8);
        Assert.True(TensorData.Read<sbyte>(q).Count(v => v == 0) >= 256);
    }

    private static Compression.Onnx.Protobuf.ModelProto Dense(int k, int n, Func<int, float> value)
    {
        var model = TinyModels.Dense(k, n);
        TensorData.Replace(model.Graph.Initializer[0], [k, n], (ReadOnlySpan<float>)Enumerable.Range(0, k * n).Select(value).ToArray());
        return model;
    }

    private static float[] Compress(Compression.Onnx.Protobuf.ModelProto model, string pruning)
    {
        using var temp = new TempFolder("prune-tiny");
        var path = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(path);
        ModelCompressor.Compress(path, temp.Combine("p.onnx"), "test",
            RecipeOptions.Apply(Recipe.Identity, new Dictionary<string, string> { ["Pruning"] = pruning }));
        return TensorData.Read<float>(OnnxModel.Load(temp.Combine("p.onnx")).Proto.Graph.Initializer.Single(t => t.Name == "W"));
    }
}
