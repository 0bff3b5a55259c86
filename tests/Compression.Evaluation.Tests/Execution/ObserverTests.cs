using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Evaluation.Tests.Execution;

/// <summary>
/// Observers see every value of a run — graph inputs, each node's outputs, subgraph values — while the run keeps only
/// what later nodes still read: intermediate buffers are reused, so an observer that keeps statistics costs no memory
/// per value.
/// </summary>
public class ObserverTests
{
    private sealed class Recorder : IExecutionObserver
    {
        public List<(string Name, NodeProto? Producer, float Max, bool IsFloat)> Seen { get; } = [];
        public HashSet<Array> Buffers { get; } = new(ReferenceEqualityComparer.Instance);

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            var max = value.Data is float[] ? (value.Length == 0 ? 0 : value.ReadOnlySpan<float>().ToArray().Max()) : 0;
            Seen.Add((name, producer, max, value.Data is float[]));
            if (value.Data is float[] && producer is not null && producer.OpType != "Constant") Buffers.Add(value.Data);
        }
    }

    [Fact]
    public async Task An_observer_sees_every_value_of_a_real_model_once_while_buffers_are_reused()
    {
        using var temp = new TempFolder("observer");
        var inputs = temp.CreateFolder("inputs");
        var path = TestAssets.Models.PaddleOcrClassifier.RequirePath();
        await RealInputs.WriteAsync(TestAssets.Models.PaddleOcrClassifier.Name, inputs);
        var model = OnnxModel.Load(path);
        var executor = new ModelExecutor(model);
        var feeds = InputFiles.Load(inputs, executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());

        var recorder = new Recorder();
        var outputs = executor.Run(feeds, recorder);

        var expected = model.Graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).Concat(executor.Inputs).Order(StringComparer.Ordinal);
        Assert.Equal(expected, recorder.Seen.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Null(recorder.Seen.Single(s => s.Name == executor.Inputs[0]).Producer);
        // What the observer saw last of the output is what the caller gets.
        var output = executor.Outputs[0];
        Assert.Equal(outputs[output].ReadOnlySpan<float>().ToArray().Max(), recorder.Seen.Single(s => s.Name == output).Max);
        // Far fewer float buffers than float values: the run recycles arrays whose readers are done.
        var floatValues = recorder.Seen.Count(s => s.Producer is not null && s.Producer.OpType != "Constant" && s.IsFloat);
        Assert.True(recorder.Buffers.Count < floatValues / 2, $"{recorder.Buffers.Count} buffers for {floatValues} computed values");
    }

    [Fact]
    public void An_observer_sees_values_inside_a_loop_body_on_every_iteration()
    {
        var path = Path.Combine(TestAssets.BackendSuiteRoot, "node/test_range_float_type_positive_delta_expanded/model.onnx");
        var model = OnnxModel.Load(path);
        var executor = new ModelExecutor(model);
        var recorder = new Recorder();
        executor.Run(new Dictionary<string, Tensor>
        {
            ["start"] = Tensor.Scalar(1f),
            ["limit"] = Tensor.Scalar(5f),
            ["delta"] = Tensor.Scalar(2f),
        }, recorder);

        var body = model.Graph.Node.Single(n => n.OpType == "Loop").Attribute.Single(a => a.Name == "body").G;
        var current = body.Node.Single(n => n.OpType == "Add").Output[0];
        // (5 - 1) / 2 = 2 iterations, each producing the body's Add output once.
        Assert.Equal(2, recorder.Seen.Count(s => s.Name == current));
    }
}
