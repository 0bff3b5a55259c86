using Compression.Engine.Recipes;
using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Tests.Recipes;

public class RecipeOptionsTests
{
    [Theory]
    [InlineData("Quantization", "int8-weight", "int8-weight")]
    [InlineData("quantization", "INT4-WEIGHT", "int4-weight")]
    [InlineData("--quantization", "fp16", "fp16")]
    [InlineData("Pruning", "0.5", "0.5")]
    [InlineData("Pruning", "2:4", "2:4")]
    [InlineData("Pruning", "channels:0.3", "channels:0.3")]
    [InlineData("LowRank", "energy:0.95", "energy:0.95")]
    [InlineData("LowRank", "rank:1", "rank:1")]
    [InlineData("WeightSharing", "16", "16")]
    [InlineData("CalibrationMethod", "percentile:99.99", "percentile:99.99")]
    [InlineData("--calibration-method", "entropy", "entropy")]
    [InlineData("--calibration-method", "MSE", "mse")]
    [InlineData("Exclude", " Conv_3 ; MatMul;Conv_3 ", "Conv_3;MatMul")]
    [InlineData("BlockSize", "64", "64")]
    [InlineData("ActivationType", "int8", "int8")]
    [InlineData("PruningScope", "global", "global")]
    [InlineData("PruningScope", "layer", "layer")]
    [InlineData("SharingScope", "channel", "channel")]
    [InlineData("Packing", "brotli", "brotli")]
    [InlineData("Distillation", "layerwise", "layerwise")]
    public void Valid_values_parse_and_format_back_canonically(string option, string value, string canonical)
    {
        var recipe = RecipeOptions.Apply(Recipe.Identity, [new(option, value)]);
        Assert.Equal(canonical, RecipeOptions.Find(option)!.Format(recipe));
        Assert.False(recipe.IsIdentity);
    }

    [Theory]
    [InlineData("Quantization", "int9")]
    [InlineData("Pruning", "1.5")]
    [InlineData("Pruning", "0")]
    [InlineData("Pruning", "3:2")]
    [InlineData("Pruning", "channels:-1")]
    [InlineData("Pruning", "channels:1")]
    [InlineData("LowRank", "rank:-1")]
    [InlineData("LowRank", "energy:1.5")]
    [InlineData("WeightSharing", "0")]
    [InlineData("WeightSharing", "300")]
    [InlineData("WeightSharing", "1")]
    [InlineData("CalibrationMethod", "percentile:101")]
    [InlineData("BlockSize", "48")]
    [InlineData("ActivationType", "float")]
    [InlineData("Packing", "zip")]
    public void Bad_values_are_MCB2002_naming_the_option_and_what_is_accepted(string option, string value)
    {
        var e = Assert.Throws<CompressionException>(() => RecipeOptions.Apply(Recipe.Identity, [new(option, value)], "app.csproj"));
        Assert.Equal(EngineErrorCodes.InvalidOptionValue, e.Code);
        Assert.Equal("app.csproj", e.FilePath);
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains(option, e.Message);
        Assert.Contains("accepted:", e.Message);
    }

    [Fact]
    public void An_unknown_option_is_MCB2003()
    {
        var e = Assert.Throws<CompressionException>(() => RecipeOptions.Apply(Recipe.Identity, [new("Quantisation", "fp16")]));
        Assert.Equal(EngineErrorCodes.UnknownOption, e.Code);
    }

    [Fact]
    public void Canonical_text_is_independent_of_how_the_recipe_was_built()
    {
        var a = RecipeOptions.Apply(Recipe.Identity, [new("Exclude", "b;a"), new("Quantization", "int8")]);
        var b = RecipeOptions.Apply(new Recipe { Quantization = QuantizationMode.Int8 }, [new("--exclude", "a;b;a")]);
        Assert.Equal(RecipeText.Format(a), RecipeText.Format(b));
        Assert.Equal(a, b);
        Assert.Contains("\"quantization\":\"int8\"", RecipeText.Format(a));
        Assert.Equal("int8", a.ToString());
        Assert.Equal("identity", Recipe.Identity.ToString());
    }
}
