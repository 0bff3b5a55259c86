using Compression.Evaluation.Execution;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Inference;

/// <summary>What a kernel's shape rule sees: the node, its attributes, and what is known of each input.</summary>
public sealed class InferenceContext
{
    private readonly IReadOnlyList<ValueInfo?> _inputs;

    public InferenceContext(NodeProto node, int operatorVersion, IReadOnlyList<ValueInfo?> inputs)
    {
        Node = node;
        OperatorVersion = operatorVersion;
        _inputs = inputs;
        Attributes = new NodeAttributes(node);
    }

    public NodeProto Node { get; }

    public int OperatorVersion { get; }

    public NodeAttributes Attributes { get; }

    public int InputCount => _inputs.Count;

    /// <summary>A required input's info; unknown inputs make the rule return unknown outputs, so this may be null.</summary>
    public ValueInfo? Input(int index) => index < _inputs.Count ? _inputs[index] : null;

    public bool HasInput(int index) => index < Node.Input.Count && Node.Input[index].Length > 0;

    public int OutputCount => Node.Output.Count;

    public KernelException Fail(string message) => new(Node, message);
}
