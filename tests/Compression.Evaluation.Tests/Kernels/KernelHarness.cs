using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;

namespace Compression.Evaluation.Tests.Kernels;

/// <summary>Runs one registered kernel on one node outside any graph: what every family's NodeRunner builds on.</summary>
internal static class KernelHarness
{
    public static IKernel Kernel(string op, int version) =>
        KernelRegistry.Default.Find("", op, version) ?? throw new InvalidOperationException($"{op} version {version} is not registered");

    /// <summary>Executes <paramref name="node"/> at operator <paramref name="version"/>; absent inputs (null) become empty names.</summary>
    public static Tensor?[] Execute(NodeProto node, int version, Tensor?[] inputs, int threads = 1)
    {
        for (var i = 0; i < inputs.Length && i < node.Input.Count; i++)
            if (inputs[i] is null) node.Input[i] = "";
        var context = KernelContext.ForFolding(node, version, inputs, threads);
        Kernel(node.OpType, version).Execute(context);
        return context.Outputs;
    }

    public static IReadOnlyList<ValueInfo> Infer(NodeProto node, int version, ValueInfo?[] inputs) =>
        Kernel(node.OpType, version).Infer(new InferenceContext(node, version, inputs));
}
