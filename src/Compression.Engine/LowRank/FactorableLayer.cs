using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Engine.LowRank;

/// <summary>
/// A layer whose constant weight is one matrix A (outputs × inputs) applied to its input: a Gemm (A = alpha·B, or
/// alpha·Bᵀ without transB), a MatMul with a constant 2-D right operand (A = Bᵀ), or a Conv with group 1 (A is W
/// reshaped to filters × C·kh·kw: each output position is A times the input patch). Factoring A ≈ F2·F1 (F1: r ×
/// inputs, F2: outputs × r) splits the layer into a first node computing r values per position and the layer itself
/// reading them: for a Conv, an r-filter Conv with the original geometry followed by a 1×1 Conv.
/// </summary>
internal sealed record FactorableLayer(NodeProto Node, ConstantWeight Weight, int Outputs, int Inputs, int[] KernelDims)
{
    /// <summary>Weights below this many elements are left alone: two nodes cost more than they save.</summary>
    public const int MinElements = 1024;

    public long Elements => (long)Outputs * Inputs;

    /// <summary>The largest rank at which the two factors hold fewer values than A: r·(m + n) &lt; m·n.</summary>
    public int LargestPayingRank => (int)((Elements - 1) / (Outputs + Inputs));

    /// <summary>The layer at <paramref name="node"/>, or null when it has no constant float weight this pass factors.</summary>
    public static FactorableLayer? Find(IGraphView graph, NodeProto node, bool freeInitializers)
    {
        if (ModelIndex.NormalizeDomain(node.Domain).Length != 0 || node.Input.Count < 2 || node.Output.Count != 1) return null;
        if (ConstantWeights.Find(graph, node.Input[1]) is not { } weight || weight.Tensor.DataType != (int)DataType.Float) return null;
        if (FixedWeights.IsOverridable(weight, freeInitializers) || !FixedWeights.IsExclusive(graph, weight, node)) return null;
        var dims = weight.Tensor.Dims.Select(d => checked((int)d)).ToArray();
        FactorableLayer? layer = node.OpType switch
        {
            "Gemm" when dims.Length == 2 && node.GetInt("transA", 0) == 0 =>
                node.GetInt("transB", 0) == 1 ? new(node, weight, dims[0], dims[1], []) : new(node, weight, dims[1], dims[0], []),
            "MatMul" when dims.Length == 2 => new(node, weight, dims[1], dims[0], []),
            "Conv" when dims.Length >= 3 && node.GetInt("group", 1) == 1 => new(node, weight, dims[0], dims[1..].Aggregate(1, (a, d) => a * d), dims[1..]),
            _ => null,
        };
        return layer is { Elements: >= MinElements } ? layer : null;
    }

    /// <summary>A as outputs × inputs, in double (Gemm's alpha applied).</summary>
    public Matrix<double> Matrix()
    {
        var w = TensorData.Read<float>(Weight.Tensor);
        var alpha = Node.OpType == "Gemm" ? Node.GetFloat("alpha", 1f) : 1f;
        // Conv [M, C·k…] and Gemm with transB [N, K] are stored outputs-major; Gemm [K, N] and MatMul [K, N] inputs-major.
        var outputsMajor = Node.OpType == "Conv" || (Node.OpType == "Gemm" && Node.GetInt("transB", 0) == 1);
        var a = Matrix<double>.Build.Dense(Outputs, Inputs);
        for (var o = 0; o < Outputs; o++)
            for (var i = 0; i < Inputs; i++)
                a[o, i] = (double)alpha * w[outputsMajor ? (o * Inputs) + i : (i * Outputs) + o];
        return a;
    }

    /// <summary>Multiply-accumulates per output position (Conv) or per row (Gemm/MatMul): before, and with rank r.</summary>
    public (long Before, long After) MacsPerPosition(int rank) => (Elements, (long)rank * (Outputs + Inputs));
}
