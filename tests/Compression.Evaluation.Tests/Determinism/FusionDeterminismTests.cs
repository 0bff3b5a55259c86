using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Evaluation.Tests.RealModels;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Determinism;

/// <summary>
/// A run without an observer executes Conv with its following elementwise nodes fused into the output store; a run with
/// an observer executes every node on its own. Both must give the same bits, and repeated runs of one executor (which
/// reuse pooled buffers and plan-time packed weights) must too.
/// </summary>
public sealed class FusionDeterminismTests
{
    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Fused_and_unfused_runs_give_bit_identical_outputs(string name)
    {
        using var temp = new TempFolder("determinism-fusion");
        var inputs = temp.CreateFolder("inputs");
        var path = await RealModelRun.PrepareAsync(name, inputs);
        var model = OnnxModel.Load(path);
        var executor = new ModelExecutor(model, new ExecutorOptions { Threads = 2 });
        var feeds = InputFiles.Load(inputs, executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());

        var fused = executor.Run(feeds);
        var again = executor.Run(feeds);
        var observer = new CountingObserver();
        var unfused = executor.Run(feeds, observer);

        Assert.True(observer.Count > 0);
        // Every convolutional real model has Conv followed by BatchNormalization, Relu, Add or hard-swish nodes.
        if (model.Graph.Node.Any(n => n.OpType == "Conv")) Assert.True(executor.FusedNodes > 0, $"{name}: no node was fused");
        foreach (var output in executor.Outputs)
        {
            Assert.Equal(Bytes(unfused[output]), Bytes(fused[output]));
            Assert.Equal(Bytes(fused[output]), Bytes(again[output]));
        }
    }

    [Theory]
    [MemberData(nameof(TestAssets.RealModelNames), MemberType = typeof(TestAssets))]
    public async Task Depthwise_pairs_give_the_bits_of_unpaired_fused_runs_on_one_and_two_threads(string name)
    {
        using var temp = new TempFolder("determinism-pairs");
        var inputs = temp.CreateFolder("inputs");
        var path = await RealModelRun.PrepareAsync(name, inputs);
        var model = OnnxModel.Load(path);
        var reference = new ModelExecutor(model, new ExecutorOptions { Threads = 1, PairDepthwise = false });
        var feeds = InputFiles.Load(inputs, reference.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());
        var expected = reference.Run(feeds);
        Assert.Equal(0, reference.DepthwisePairs);
        foreach (var threads in new[] { 1, 2 })
        {
            var paired = new ModelExecutor(model, new ExecutorOptions { Threads = threads });
            // Every convolutional real model has MobileNet blocks: a depthwise Conv (some with their own BatchNormalization
            // and activation fused) feeding a 1×1 Conv.
            if (model.Graph.Node.Any(n => n.OpType == "Conv")) Assert.True(paired.DepthwisePairs > 0, $"{name}: no depthwise pair");
            var actual = paired.Run(feeds);
            foreach (var output in paired.Outputs) Assert.Equal(Bytes(expected[output]), Bytes(actual[output]));
        }
    }

    private static byte[] Bytes(Tensor t) => t.ElementType == TensorProto.Types.DataType.Float
        ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ReadOnlySpan<float>()).ToArray()
        : System.Text.Encoding.UTF8.GetBytes(TensorConversion.ToProto(t, "x").ToString());

    private sealed class CountingObserver : IExecutionObserver
    {
        public int Count { get; private set; }

        public void Observe(string name, Tensor value, NodeProto? producer) => Count++;
    }
}
