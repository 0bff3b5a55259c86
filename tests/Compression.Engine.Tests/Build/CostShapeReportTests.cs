using System.Text.Json;
using Compression.Engine.Build;
using Compression.Engine.Reporting;
using Compression.Engine.Tests.Pruning;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Model;
using Compression.Onnx.Summary;
using Compression.Testing;
using static Compression.Engine.Tests.Preprocessing.TinyGraphs;

namespace Compression.Engine.Tests.Build;

/// <summary>
/// The report's cost column for a model with a dynamic sequence length (<see cref="TinyEncoderBlock"/>): computed with
/// the item's InputShapes, else the validation data's median shape, else the declared default, and the JSON and
/// Markdown report say which.
/// </summary>
public class CostShapeReportTests
{
    /// <summary>Q, K, V, output projections 4·s·d², scores and weighted sum 2·s²·d, feed-forward 2·s·d·h.</summary>
    private static long HandCount(long s) =>
        (4 * s * TinyEncoderBlock.Width * TinyEncoderBlock.Width) + (2 * s * s * TinyEncoderBlock.Width)
        + (2 * s * TinyEncoderBlock.Width * TinyEncoderBlock.Hidden);

    private static (ModelOutput Model, string Markdown, BuildResponse Response) Build(TempFolder temp, string inputShapes = "", string validation = "")
    {
        var path = temp.Combine("encoder.onnx");
        OnnxModel.FromProto(TinyModels.Model(TinyEncoderBlock.Graph())).Save(path);
        var request = new BuildRequest
        {
            ProjectFile = temp.Combine("App.csproj"),
            OutputDirectory = temp.Combine("out"),
            Models = [new ModelItem { ItemSpec = "encoder.onnx", FullPath = path, InputShapes = inputShapes, ValidationData = validation }],
        };
        var response = BuildRunner.Run(request);
        BuildReport.Write(temp.Combine("report"), request, response, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return (response.Models.SingleOrDefault()!, File.ReadAllText(temp.Combine("report", BuildReport.MarkdownFile)), response);
    }

    [Fact]
    public void Item_input_shapes_set_the_cost_and_the_report_says_so()
    {
        using var temp = new TempFolder("cost-given");
        var (model, markdown, _) = Build(temp, "x=1,32,16");
        Assert.Equal(HandCount(32), model.Result.Macs);
        var shape = Assert.Single(model.Result.CostShapes);
        Assert.Equal(("x", InputCostShape.GivenSource), (shape.Name, shape.Source));
        Assert.Contains("computed with x=[1,32,16] from InputShapes", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_input_shapes_the_validation_data_median_is_used_then_the_default()
    {
        using var temp = new TempFolder("cost-data");
        var validation = temp.CreateFolder("validation");
        foreach (var (tokens, s) in new[] { (10, 0), (40, 1), (20, 2) })
        {
            Directory.CreateDirectory(Path.Combine(validation, $"sample_{s:000}"));
            NpyFile.Write(Path.Combine(validation, $"sample_{s:000}", "x.npy"), Random("x", [1, tokens, TinyEncoderBlock.Width], s));
        }
        var (fromData, markdown, _) = Build(temp, validation: validation);
        Assert.Equal(HandCount(20), fromData.Result.Macs);
        Assert.Equal(InputCostShape.ValidationSource, Assert.Single(fromData.Result.CostShapes).Source);
        Assert.Contains("x=[1,20,16] from validation data", markdown, StringComparison.Ordinal);

        using var other = new TempFolder("cost-default");
        var (assumed, defaultMarkdown, _) = Build(other);
        Assert.Equal(HandCount(InputCostShape.DefaultDim), assumed.Result.Macs);
        Assert.Contains($"x=[1,128,16] from {InputCostShape.DefaultSource}", defaultMarkdown, StringComparison.Ordinal);
        // Activations grow with the sequence: at least the output [1, s, 16] float, and the s x s scores more than linearly.
        Assert.True(fromData.Result.ActivationBytes >= 20 * 16 * 4, $"{fromData.Result.ActivationBytes} bytes");
        Assert.True(assumed.Result.ActivationBytes > fromData.Result.ActivationBytes * 128 / 20,
            $"{fromData.Result.ActivationBytes} → {assumed.Result.ActivationBytes} bytes");
    }

    [Fact]
    public void A_malformed_input_shape_is_MCB2002_on_the_project_and_a_wrong_name_MCB2005()
    {
        using var temp = new TempFolder("cost-bad");
        var (_, _, response) = Build(temp, "x=1,zero");
        Assert.Equal(EngineErrorCodes.InvalidOptionValue, Assert.Single(response.Diagnostics).Code);
        using var other = new TempFolder("cost-bad-name");
        var (_, _, named) = Build(other, "tokens=1,8");
        Assert.Equal(EngineErrorCodes.UnknownInput, Assert.Single(named.Diagnostics).Code);
    }
}
