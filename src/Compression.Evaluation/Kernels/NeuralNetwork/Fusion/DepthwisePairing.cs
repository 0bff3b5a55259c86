using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

/// <summary>
/// Finds, at plan time, a depthwise Conv (with or without its fused elementwise nodes) followed by the 1×1 Conv that
/// alone reads its output (the MobileNet block): the pair then runs band by band
/// (<see cref="Convolution.DepthwisePointwisePair"/>), the depthwise rows of a band going straight into the 1×1 product
/// while in cache instead of through a whole intermediate tensor in memory. Only shapes of constant weights
/// are checked here; the kernel checks the run's tensors and declines (the steps then run one by one) if they do not fit.
/// </summary>
internal static class DepthwisePairing
{
    public static bool Pairs(PlanStep first, PlanStep second, IReadOnlyDictionary<string, Tensor> constants,
        IReadOnlyDictionary<string, int> readers, IReadOnlySet<string> pinned)
    {
        if (!IsConv(first) || !IsConv(second) || first.Prelude is not null || first.Node.Output.Count != 1) return false;
        // The depthwise may carry its own fused nodes (BatchNormalization, activations), applied to its band rows
        // before the product, if they read no other tensor (those are laid out as the whole output, not as bands).
        if (first.Fusion is { } own && own.Externals.Length > 0) return false;
        var middle = first.Fusion?.Output ?? first.Node.Output[0];
        if (second.Node.Input[0] != middle) return false;
        if (pinned.Contains(middle) || readers.GetValueOrDefault(middle) != 1) return false;
        // The 1×1 Conv reads the depthwise output only as its data input.
        for (var i = 1; i < second.Node.Input.Count; i++)
            if (second.Node.Input[i] == middle) return false;
        if (!constants.TryGetValue(first.Node.Input[1], out var dw) || !constants.TryGetValue(second.Node.Input[1], out var pw)) return false;
        if (dw is not { ElementType: DataType.Float, Rank: 4 } || pw is not { ElementType: DataType.Float, Rank: 4 }) return false;
        return dw.Shape[1] == 1 && pw.Shape[1] == dw.Shape[0] && pw.Shape[2] == 1 && pw.Shape[3] == 1;
    }

    private static bool IsConv(PlanStep step) =>
        step.Node.OpType == "Conv" && step.Node.Domain.Length == 0 && step.ImplicitInputs.Count == 0 && step.Node.Input.Count >= 2;
}
