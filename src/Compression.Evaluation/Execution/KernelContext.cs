using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Execution;

/// <summary>What a kernel sees while it runs one node: inputs, attributes, where outputs go, buffers, threads.</summary>
public sealed class KernelContext
{
    private readonly Tensor?[] _inputs;
    private readonly TensorPool _pool;

    private readonly GraphRun? _run;
    private readonly GraphPlan? _plan;

    internal KernelContext(NodeProto node, int operatorVersion, Tensor?[] inputs, TensorPool pool, Parallelism parallelism,
        Scope scope, GraphRun? run, GraphPlan? plan, NodeAttributes? attributes = null)
    {
        _run = run;
        _plan = plan;
        Node = node;
        OperatorVersion = operatorVersion;
        _inputs = inputs;
        _pool = pool;
        Parallelism = parallelism;
        Scope = scope;
        Attributes = attributes ?? new NodeAttributes(node);
        Outputs = new Tensor?[node.Output.Count];
    }

    public NodeProto Node { get; }

    /// <summary>What the kernel prepared for this node at plan time (<see cref="IPreparedKernel"/>), or null.</summary>
    internal object? Prepared { get; init; }

    /// <summary>Elementwise nodes the kernel may apply to its output as it stores it, with their tensors; null if none.</summary>
    internal EpilogueBinding? Epilogue { get; init; }

    /// <summary>
    /// A depthwise Conv to compute first, band by band, whose output is this node's input 0 and read by nothing else
    /// (input 0 is then the depthwise node's input); null if none.
    /// </summary>
    internal PreludeBinding? Prelude { get; init; }

    /// <summary>Set by a kernel that ran <see cref="Prelude"/>; if it did not, it computed nothing and set no output.</summary>
    internal bool PreludeApplied { get; set; }

    /// <summary>Set by a kernel that applied <see cref="Epilogue"/>: its output is then the group's result.</summary>
    internal bool EpilogueApplied { get; set; }

    /// <summary>The operator version in force (the since-version the node resolves to at the model's opset).</summary>
    public int OperatorVersion { get; }

    public NodeAttributes Attributes { get; }

    public Parallelism Parallelism { get; }

    /// <summary>Values visible to the node, for control-flow kernels that run subgraphs.</summary>
    internal Scope Scope { get; }

    public int InputCount => _inputs.Length;

    public Tensor?[] Outputs { get; }

    /// <summary>The same node and run with other inputs (a wrapper kernel converting types); outputs are its own.</summary>
    internal KernelContext WithInputs(Tensor?[] inputs) =>
        new(Node, OperatorVersion, inputs, _pool, Parallelism, Scope, _run, _plan, Attributes) { Prepared = Prepared };

    /// <summary>A context outside any run, for folding a node whose inputs are all constant (and for kernel tests).</summary>
    internal static KernelContext ForFolding(NodeProto node, int operatorVersion, Tensor?[] inputs, int threads = 1) =>
        new(node, operatorVersion, inputs, new TensorPool(), new Parallelism(threads), new Scope(null), null, null);

    /// <summary>A required input; a missing one is an error naming the node.</summary>
    public Tensor Input(int index) =>
        index < _inputs.Length && _inputs[index] is { } t ? t : throw Fail($"input {index} is required");

    /// <summary>An optional input: null when absent or given as the empty name.</summary>
    public Tensor? OptionalInput(int index) => index < _inputs.Length ? _inputs[index] : null;

    public bool HasOutput(int index) => index < Node.Output.Count && Node.Output[index].Length > 0;

    /// <summary>A new output tensor; its array may be reused from an earlier node and is not zeroed.</summary>
    public Tensor Allocate(DataType type, int[] shape)
    {
        var tensor = _pool.Rent(type, shape);
        _run?.TrackRented(tensor.Data);
        return tensor;
    }

    /// <summary>A new output tensor filled with zeros (false, empty strings).</summary>
    public Tensor AllocateZeroed(DataType type, int[] shape)
    {
        var tensor = Allocate(type, shape);
        Array.Clear(tensor.Data, 0, tensor.Length);
        if (type == DataType.String) Array.Fill((string[])tensor.Data, "", 0, tensor.Length);
        return tensor;
    }

    public void SetOutput(int index, Tensor tensor)
    {
        if (index < Outputs.Length) Outputs[index] = tensor;
    }

    /// <summary>Runs one of this node's subgraphs with inputs bound by position; it sees this node's scope.</summary>
    public Tensor[] RunSubgraph(GraphProto graph, IReadOnlyList<Tensor?> inputs) =>
        _run is not null && _plan is not null
            ? _run.RunSubgraph(_plan, graph, Scope, inputs)
            : throw Fail("subgraphs cannot run while folding constants");

    public KernelException Fail(string message) => new(Node, message);
}

/// <summary>The prelude node's inputs in this run, its plan-time state and attributes, and its own fused nodes (applied to its rows).</summary>
internal sealed record PreludeBinding(Tensor?[] Inputs, object? Prepared, NodeAttributes Attributes, EpilogueBinding? Epilogue);

/// <summary>An epilogue with the tensors it reads in this run (float arrays of the output's shape).</summary>
internal sealed record EpilogueBinding(Epilogue Epilogue, Tensor[] Externals);
