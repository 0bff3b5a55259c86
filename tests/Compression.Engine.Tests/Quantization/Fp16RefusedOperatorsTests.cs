using Compression.Engine.Pipeline;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.Tests.Quantization;

/// <summary>fp16 keeps the operators ONNX Runtime's CPU provider refuses in fp16 in float32, so the model still loads there.</summary>
public class Fp16RefusedOperatorsTests
{
    [Fact]
    public void Operators_onnx_runtime_refuses_in_fp16_stay_float32_between_casts_and_the_model_loads()
    {
        using var temp = new TempFolder("fp16-refused");
        var random = new Random(5);
        var w = Enumerable.Range(0, 8 * 8).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        // x · W → Celu → CumSum → y at opset 13: the MatMul becomes fp16; Celu and CumSum, which take no float16 at
        // this opset, run in float32.
        var model = TinyModels.Model(new GraphProto
        {
            Name = "refused",
            Input = { TinyModels.Float("x", 1, 8) },
            Output = { TinyModels.Float("y", 1, 8) },
            Initializer = { TinyModels.FloatTensor("W", [8, 8], w), TinyModels.Int64Tensor("axis", [], [1]) },
            Node =
            {
                TinyModels.Node("MatMul", ["x", "W"], ["h"], "dense"),
                TinyModels.Node("Celu", ["h"], ["s"], "celu"),
                TinyModels.Node("CumSum", ["s", "axis"], ["y"], "cumsum"),
            },
        }, opset: 13);
        var original = temp.Combine("m.onnx");
        OnnxModel.FromProto(model).Save(original);
        var compressed = temp.Combine("q.onnx");
        ModelCompressor.Compress(original, compressed, "portable", QuantizedModelRuns.Recipe(("Quantization", "fp16")));

        var graph = OnnxModel.Load(compressed).Proto.Graph;
        Assert.Contains(graph.Initializer, t => t.DataType == (int)DataType.Float16); // the weight did convert
        var swish = graph.Node.Single(n => n.OpType == "Celu");
        var castBefore = graph.Node.Single(n => n.Output.Contains(swish.Input[0]));
        Assert.Equal("Cast", castBefore.OpType);
        Assert.Equal((long)DataType.Float, castBefore.Attribute.Single(a => a.Name == "to").I);
        // CumSum reads Celu's float32 output directly: no round trip through fp16 between two float32 nodes.
        Assert.Equal(swish.Output[0], graph.Node.Single(n => n.OpType == "CumSum").Input[0]);

        var x = Enumerable.Range(0, 8).Select(i => (float)Math.Sin(i)).ToArray();
        InProcessOnnxRuntime.Input[] inputs = [new("x", [1, 8], x)];
        var expected = InProcessOnnxRuntime.Run(original, inputs)[0].Values;
        var actual = InProcessOnnxRuntime.Run(compressed, inputs)[0].Values; // loads: nothing ONNX Runtime refuses is fp16
        Assert.True(Fidelity.SqnrDb(expected, actual) > 40);
    }
}
