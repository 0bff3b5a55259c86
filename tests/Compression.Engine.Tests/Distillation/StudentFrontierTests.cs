using Compression.Engine.Calibration;
using Compression.Engine.Distillation;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Engine.Tests.Distillation;

/// <summary>Advancing wave by wave gives exactly the values a whole run of the model computes, and keeps only what is still read.</summary>
public class StudentFrontierTests
{
    [Fact]
    public async Task Advancing_through_every_conv_input_gives_the_bits_of_a_whole_run()
    {
        var path = TestAssets.Models.PaddleOcrClassifier.RequirePath();
        var model = OnnxModel.Load(path).Proto;
        var samples = DataSet.SampleFolders(await RealDataSets.GetAsync(TestAssets.Models.PaddleOcrClassifier.Name, 2));
        var convInputs = model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Input[0]).Distinct().ToList();
        var whole = new Recorder(convInputs.ToHashSet(StringComparer.Ordinal));
        DataSetRuns.Observe(model, path, samples, 2, whole);

        var frontier = new StudentFrontier(model, path, samples, 2);
        // Waves of three inputs, in graph order, as the pass asks for them.
        for (var w = 0; w < convInputs.Count; w += 3)
        {
            var wave = convInputs.Skip(w).Take(3).ToList();
            var values = frontier.Advance(wave);
            Assert.Equal(samples.Count, values.Count);
            for (var s = 0; s < samples.Count; s++)
                foreach (var name in wave)
                    Assert.Equal(whole.Values[(name, s)], values[s][name].ReadOnlySpan<float>().ToArray());
        }
        Assert.True(convInputs.Count > 10);
        Assert.True(frontier.KeptValues < 10, $"{frontier.KeptValues} values kept after the last wave");
    }

    private sealed class Recorder(HashSet<string> names) : IExecutionObserver
    {
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

        public Dictionary<(string, int), float[]> Values { get; } = [];

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            if (!names.Contains(name)) return;
            var sample = _seen.GetValueOrDefault(name);
            _seen[name] = sample + 1;
            Values[(name, sample)] = value.ReadOnlySpan<float>().ToArray();
        }
    }
}
