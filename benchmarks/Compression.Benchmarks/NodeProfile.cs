using System.Diagnostics;
using System.Globalization;
using Compression.Evaluation.DataSets;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using Compression.Onnx.Protobuf;
using Compression.Testing;

namespace Compression.Benchmarks;

/// <summary>
/// A development profile of the executor alone (no ONNX Runtime): per model, the median wall and thread-CPU time of
/// plain runs at 1 thread, then, with --nodes, the median thread-CPU time of each node (observed, so unfused), summed
/// per operator, and the costliest nodes with their output shapes. Thread-CPU time is robust to other processes
/// competing for the cores, which wall time is not.
/// </summary>
internal static class NodeProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = 30;
        var nodes = false;
        var threads = 1;
        var warmup = 5;
        string? only = null;
        var pairs = true;
        for (var a = 0; a < args.Length; a++)
        {
            if (args[a] == "--iterations") iterations = int.Parse(args[++a], CultureInfo.InvariantCulture);
            else if (args[a] == "--nodes") nodes = true;
            else if (args[a] == "--threads") threads = int.Parse(args[++a], CultureInfo.InvariantCulture);
            else if (args[a] == "--model") only = args[++a];
            else if (args[a] == "--no-pairs") pairs = false;
            else if (args[a] == "--warmup") warmup = int.Parse(args[++a], CultureInfo.InvariantCulture);
        }
        foreach (var real in TestAssets.RealModels)
        {
            if (only is not null && real.Name != only) continue;
            using var temp = new TempFolder("bench-profile");
            var inputs = temp.CreateFolder("inputs");
            await RealInputs.WriteAsync(real.Name, inputs);
            var model = OnnxModel.Load(real.RequirePath());
            var executor = new ModelExecutor(model, new ExecutorOptions { Threads = threads, PairDepthwise = pairs });
            var feeds = InputFiles.Load(inputs, executor.Inputs.Select(n => model.Graph.Input.First(i => i.Name == n)).ToList());
            // Past JIT tier-up: at least `warmup` runs and 2 s (a short warm-up measures unoptimized code).
            var warmWatch = Stopwatch.StartNew();
            for (var i = 0; i < warmup || warmWatch.Elapsed.TotalSeconds < 2; i++) executor.Run(feeds);
            // Interleaved with the same model run node by node (an observer that does nothing: no fusion, no pairing)
            // and fused without depthwise pairs, so all three see the same load from other processes.
            var unpaired = new ModelExecutor(model, new ExecutorOptions { Threads = threads, PairDepthwise = false });
            for (var i = 0; i < warmup; i++) unpaired.Run(feeds);
            var wall = new List<double>();
            var cpu = new List<double>();
            var plain = new List<double>();
            var noPairs = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                var c0 = ThreadClock.Milliseconds();
                var watch = Stopwatch.StartNew();
                executor.Run(feeds);
                wall.Add(watch.Elapsed.TotalMilliseconds);
                cpu.Add(ThreadClock.Milliseconds() - c0);
                c0 = ThreadClock.Milliseconds();
                executor.Run(feeds, Silent.Instance);
                plain.Add(ThreadClock.Milliseconds() - c0);
                c0 = ThreadClock.Milliseconds();
                unpaired.Run(feeds);
                noPairs.Add(ThreadClock.Milliseconds() - c0);
            }
            Console.WriteLine(FormattableString.Invariant($"{real.Name,-16} threads {threads}, {executor.DepthwisePairs} dw pairs: wall median {Median(wall),7:F3} ms, min {wall.Min(),7:F3}; thread-cpu median {Median(cpu),7:F3} ms, min {cpu.Min(),7:F3}"));
            Console.WriteLine(FormattableString.Invariant($"{"",-16} fused, no pairs: thread-cpu median {Median(noPairs),7:F3} ms, min {noPairs.Min(),7:F3}; node by node: median {Median(plain),7:F3} ms, min {plain.Min(),7:F3}"));
            if (!nodes) continue;
            // Fused steps as plain runs execute them (a fused group counts as its Conv), thread-CPU time per step.
            var stepTimes = new Dictionary<NodeProto, List<double>>(ReferenceEqualityComparer.Instance);
            var mark = 0.0;
            Action<NodeProto> done = node =>
            {
                var now = ThreadClock.Milliseconds();
                if (!stepTimes.TryGetValue(node, out var list)) stepTimes[node] = list = [];
                list.Add(now - mark);
                mark = ThreadClock.Milliseconds();
            };
            executor.StepDone = done;
            var observer = new Observer();
            for (var i = 0; i < iterations; i++)
            {
                // Alternated, so both see the same load from other processes.
                mark = ThreadClock.Milliseconds();
                executor.Run(feeds);
                executor.StepDone = null;
                observer.Start();
                executor.Run(feeds, observer);
                executor.StepDone = done;
            }
            executor.StepDone = null;
            var perStep = stepTimes.Select(e => (Node: e.Key, Ms: Median(e.Value))).ToList();
            Console.WriteLine(FormattableString.Invariant($"  fused steps as run ({perStep.Count} steps, {perStep.Sum(n => n.Ms):F3} ms):"));
            foreach (var group in perStep.GroupBy(n => n.Node.OpType).OrderByDescending(g => g.Sum(n => n.Ms)))
                Console.WriteLine(FormattableString.Invariant($"    {group.Key,-22} {group.Sum(n => n.Ms),8:F3} ms  ({group.Count()} steps)"));
            foreach (var n in perStep.OrderByDescending(n => n.Ms).Take(12))
                Console.WriteLine(FormattableString.Invariant($"      {n.Ms,7:F3} ms {n.Node.OpType} {n.Node.Name}"));
            Console.WriteLine("  unfused, observed:");
            var perNode = observer.Times.Select(e => (Node: e.Key, Ms: Median(e.Value), Shape: observer.Shapes[e.Key])).ToList();
            foreach (var group in perNode.GroupBy(n => n.Node.OpType).OrderByDescending(g => g.Sum(n => n.Ms)))
                Console.WriteLine(FormattableString.Invariant($"    {group.Key,-22} {group.Sum(n => n.Ms),8:F3} ms  ({group.Count()} nodes)"));
            Console.WriteLine(FormattableString.Invariant($"    total observed {perNode.Sum(n => n.Ms):F3} ms; costliest nodes:"));
            foreach (var n in perNode.OrderByDescending(n => n.Ms).Take(12))
                Console.WriteLine(FormattableString.Invariant($"      {n.Ms,7:F3} ms {n.Node.OpType} {n.Node.Name} -> {n.Shape}"));
            // Each step against its nodes run one by one: where fusion gains and where it loses.
            var observed = new Dictionary<NodeProto, double>(ReferenceEqualityComparer.Instance);
            foreach (var n in perNode) observed[n.Node] = n.Ms;
            var steps = executor.StepNodes.Select(s => (s.Step, s.Nodes, Fused: perStep.FirstOrDefault(p => ReferenceEquals(p.Node, s.Step)).Ms,
                Apart: s.Nodes.Sum(n => observed.GetValueOrDefault(n)))).Where(s => s.Nodes.Length > 1).ToList();
            Console.WriteLine(FormattableString.Invariant($"  multi-node steps: fused {steps.Sum(s => s.Fused):F3} ms, node by node {steps.Sum(s => s.Apart):F3} ms; largest differences:"));
            foreach (var s in steps.OrderByDescending(s => Math.Abs(s.Fused - s.Apart)).Take(12))
                Console.WriteLine(FormattableString.Invariant($"      {s.Fused,7:F3} vs {s.Apart,7:F3} ms {s.Step.Name}: {string.Join(" ", s.Nodes.Select(n => n.OpType))} -> {observer.Shapes.GetValueOrDefault(s.Step)}"));
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed class Silent : IExecutionObserver
    {
        public static Silent Instance { get; } = new();

        public void Observe(string name, Tensor value, NodeProto? producer) { }
    }

    private sealed class Observer : IExecutionObserver
    {
        private NodeProto? _last;
        private double _mark;

        public Dictionary<NodeProto, List<double>> Times { get; } = new(ReferenceEqualityComparer.Instance);

        public Dictionary<NodeProto, string> Shapes { get; } = new(ReferenceEqualityComparer.Instance);

        public void Start()
        {
            _last = null;
            _mark = ThreadClock.Milliseconds();
        }

        public void Observe(string name, Tensor value, NodeProto? producer)
        {
            var now = ThreadClock.Milliseconds();
            if (producer is not null && !ReferenceEquals(producer, _last) && producer.OpType != "Constant")
            {
                if (!Times.TryGetValue(producer, out var list)) Times[producer] = list = [];
                list.Add(now - _mark);
                Shapes[producer] = ShapeMath.Format(value.Shape);
                _last = producer;
            }
            _mark = ThreadClock.Milliseconds();
        }
    }
}
