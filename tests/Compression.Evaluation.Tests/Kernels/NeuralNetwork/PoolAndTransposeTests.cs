using Compression.Evaluation.Inference;
using static Compression.Evaluation.Tests.Kernels.NeuralNetwork.NodeRunner;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Tests.Kernels.NeuralNetwork;

public class PoolAndTransposeTests
{
    private static readonly float[] Grid = [1, 2, 3, 4, 9, 6, 7, 8, 5];

    [Theory]
    [InlineData(0, 1L)]
    [InlineData(1, 3L)]
    public void MaxPool_indices_follow_storage_order(int storageOrder, long expected)
    {
        var outs = Run(Node("MaxPool", 1, 2, ("kernel_shape", new[] { 3, 3 }), ("storage_order", storageOrder)), 12, [F([1, 1, 3, 3], 1, 9, 3, 4, 2, 6, 7, 8, 5)]);
        Assert.Equal(9f, outs[0]!.ToArray<float>()[0]);
        Assert.Equal(expected, outs[1]!.ToArray<long>()[0]);
    }

    [Fact]
    public void MaxPool_ceil_mode_adds_a_partial_window()
    {
        var node = Node("MaxPool", 1, 1, ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }), ("ceil_mode", 1));
        var y = Run1(node, 12, F([1, 1, 3, 3], Grid));
        Assert.Equal(new[] { 1, 1, 2, 2 }, y.Shape);
        Assert.Equal(new[] { 9f, 6, 8, 5 }, y.ToArray<float>());
    }

    [Fact]
    public void MaxPool_on_uint8_keeps_the_type()
    {
        var x = Compression.Evaluation.Tensors.Tensor.Create([1, 1, 1, 3], new byte[] { 3, 200, 7 });
        var y = Run1(Node("MaxPool", 1, 1, ("kernel_shape", new[] { 1, 2 })), 12, x);
        Assert.Equal(new byte[] { 200, 200 }, y.ToArray<byte>());
    }

    [Theory]
    [InlineData(0, 4f)]
    [InlineData(1, 16f / 9)]
    public void AveragePool_count_include_pad_changes_the_corner_divisor(int include, float expected)
    {
        var node = Node("AveragePool", 1, 1, ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }), ("count_include_pad", include));
        var y = Run1(node, 11, F([1, 1, 3, 3], Grid));
        Assert.Equal(expected, y.ToArray<float>()[0], 6);
    }

    [Fact]
    public void Pool_infer_uses_same_upper_rounding()
    {
        var x = new ValueInfo(DataType.Float, [1, 3, 7, Dim.Named("W")]);
        var info = Infer(Node("MaxPool", 1, 1, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("auto_pad", "SAME_UPPER")), 12, x)[0];
        Assert.Equal(4, info.Shape![2].Value);
        Assert.False(info.Shape[3].IsKnown);
    }

    [Fact]
    public void Global_pools_reduce_every_spatial_axis()
    {
        var x = F([1, 1, 3, 3], Grid);
        Assert.Equal(5f, Run1(Node("GlobalAveragePool", 1), 1, x).ToArray<float>()[0]);
        var max = Run1(Node("GlobalMaxPool", 1), 1, x);
        Assert.Equal(new[] { 1, 1, 1, 1 }, max.Shape);
        Assert.Equal(9f, max.ToArray<float>()[0]);
    }

    [Fact]
    public void GlobalAveragePool_sums_each_plane_in_order_in_double_whether_planes_go_eight_at_a_time_or_alone()
    {
        // 2 × 11 planes: eight summed side by side, then the rest one by one; every mean is the in-order double sum.
        var random = new Random(7);
        var values = Enumerable.Range(0, 2 * 11 * 37).Select(_ => (float)(random.NextDouble() * 200 - 100)).ToArray();
        var y = Run1(Node("GlobalAveragePool", 1), 1, F([2, 11, 37, 1], values)).ToArray<float>();
        for (var p = 0; p < 22; p++)
        {
            var sum = 0.0;
            for (var j = 0; j < 37; j++) sum += values[p * 37 + j];
            Assert.Equal(BitConverter.SingleToInt32Bits((float)(sum / 37)), BitConverter.SingleToInt32Bits(y[p]));
        }
    }

    [Fact]
    public void ConvTranspose_with_stride_scatters_and_output_padding_grows_the_output()
    {
        var x = F([1, 1, 2], 1, 2);
        var w = F([1, 1, 2], 1, 10);
        var y = Run1(Node("ConvTranspose", 2, 1, ("strides", new[] { 2 }), ("output_padding", new[] { 1 })), 11, x, w);
        Assert.Equal(new[] { 1, 1, 5 }, y.Shape);
        Assert.Equal(new[] { 1f, 10, 2, 20, 0 }, y.ToArray<float>());
    }

    [Fact]
    public void ConvTranspose_with_groups_keeps_groups_apart_and_adds_bias()
    {
        var x = F([1, 2, 1], 1, 2);
        var w = F([2, 1, 1], 3, 4);
        var y = Run1(Node("ConvTranspose", 3, 1, ("group", 2)), 11, x, w, F([2], 0.5f, -0.5f));
        Assert.Equal(new[] { 3.5f, 7.5f }, y.ToArray<float>());
    }

    [Fact]
    public void ConvTranspose_output_shape_sets_the_size()
    {
        var x = Random(1, 1, 2, 3, 3);
        var w = Random(2, 2, 3, 3, 3);
        var node = Node("ConvTranspose", 2, 1, ("strides", new[] { 3, 2 }), ("output_shape", new[] { 10, 8 }));
        Assert.Equal(new[] { 1, 3, 10, 8 }, Run1(node, 11, x, w).Shape);
        var info = Infer(node, 11, ValueInfo.Known(DataType.Float, 1, 2, 3, 3), ValueInfo.Known(DataType.Float, 2, 3, 3, 3))[0];
        Assert.Equal(new long[] { 1, 3, 10, 8 }, info.Shape!.Select(d => d.Value));
    }
}
