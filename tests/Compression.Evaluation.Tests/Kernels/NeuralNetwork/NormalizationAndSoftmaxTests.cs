using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Activation;
using static Compression.Evaluation.Tests.Kernels.NeuralNetwork.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

public class NormalizationAndSoftmaxTests
{
    [Fact]
    public void Softmax_11_normalises_the_flattened_row_but_13_only_the_last_axis()
    {
        var x = F([1, 2, 2], 0, 0, 0, 0);
        Assert.All(Run1(Node("Softmax", 1), 11, x).ToArray<float>(), v => Assert.Equal(0.25f, v));
        Assert.All(Run1(Node("Softmax", 1), 13, x).ToArray<float>(), v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void LogSoftmax_of_large_numbers_stays_finite()
    {
        var y = Run1(Node("LogSoftmax", 1), 13, F([3], 1000, 1000, 1000)).ToArray<float>();
        Assert.All(y, v => Assert.Equal(-1.0986123f, v, 6));
    }

    [Fact]
    public void BatchNormalization_in_training_mode_fails_clearly()
    {
        var node = Node("BatchNormalization", 5, 1, ("training_mode", 1));
        var ones = F([1], 1);
        var ex = Assert.ThrowsAny<Exception>(() => Run1(node, 15, F([1, 1, 2], 1, 2), ones, ones, ones, ones));
        Assert.Contains("training", ex.Message);
    }

    [Fact]
    public void BatchNormalization_7_with_spatial_0_uses_per_element_statistics()
    {
        var node = Node("BatchNormalization", 5, 1, ("spatial", 0), ("epsilon", 0f));
        var y = Run1(node, 7, F([1, 1, 2], 5, 5), F([1, 2], 1, 2), F([1, 2], 0, 1), F([1, 2], 1, 3), F([1, 2], 4, 1));
        Assert.Equal(new[] { 2f, 5 }, y.ToArray<float>());
    }

    [Fact]
    public void InstanceNormalization_normalises_each_plane()
    {
        var y = Run1(Node("InstanceNormalization", 3), 6, F([1, 1, 4], 1, 2, 3, 4), F([1], 2), F([1], 1)).ToArray<float>();
        Assert.Equal(1f, y.Average(), 5);
        Assert.True(y[0] < y[3]);
    }

    [Fact]
    public void LayerNormalization_returns_mean_and_inverse_std_with_unit_normalised_axes()
    {
        var outs = Run(Node("LayerNormalization", 2, 3, ("axis", 1), ("epsilon", 0f)), 17, [F([2, 2], 1, 3, 5, 7), F([2], 1, 1)]);
        Assert.Equal(new[] { -1f, 1, -1, 1 }, outs[0]!.ToArray<float>());
        Assert.Equal(new[] { 2, 1 }, outs[1]!.Shape);
        Assert.Equal(new[] { 2f, 6 }, outs[1]!.ToArray<float>());
        Assert.Equal(new[] { 1f, 1 }, outs[2]!.ToArray<float>());
    }

    [Fact]
    public void LayerNormalization_infers_statistics_shape_for_a_negative_axis()
    {
        var x = new ValueInfo(DataType.Float, [Dim.Named("N"), 5, 8]);
        var infos = Infer(Node("LayerNormalization", 2, 3, ("axis", -2)), 17, x, ValueInfo.Known(DataType.Float, 8));
        Assert.Equal("N", infos[1].Shape![0].Symbol);
        Assert.Equal(1, infos[1].Shape![1].Value);
        Assert.Equal(1, infos[1].Shape![2].Value);
    }
}
