using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.ControlFlow;

/// <summary>
/// If (1, 11, 13, 16): runs then_branch or else_branch by a single bool and returns that branch's outputs. The versions
/// differ only in what the outputs may be (11 lets branch shapes differ; 13 and 16 add sequences and optionals, which
/// are not tensors and so outside the executor); for tensor outputs one kernel serves all four.
/// </summary>
internal sealed class If : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var thenBranch = context.Attributes.GetGraph("then_branch");
        var elseBranch = context.Attributes.GetGraph("else_branch");
        // A constant condition picks one branch, so its declared shapes hold exactly.
        var constant = context.Input(0)?.Constant is { Length: 1 } c && c.Data is bool[] b ? b[0] : (bool?)null;
        var result = new ValueInfo[context.OutputCount];
        for (var i = 0; i < result.Length; i++)
        {
            var joined = constant switch
            {
                true => Subgraphs.DeclaredOutput(thenBranch, i),
                false => Subgraphs.DeclaredOutput(elseBranch, i),
                null => Subgraphs.Join(Subgraphs.DeclaredOutput(thenBranch, i), Subgraphs.DeclaredOutput(elseBranch, i)),
            };
            result[i] = joined ?? new ValueInfo(Onnx.Protobuf.TensorProto.Types.DataType.Undefined, null);
        }
        return result;
    }

    public void Execute(KernelContext context)
    {
        var condition = Subgraphs.Condition(context, context.Input(0), "the condition");
        var branch = context.Attributes.GetGraph(condition ? "then_branch" : "else_branch");
        var outputs = context.RunSubgraph(branch, []);
        if (outputs.Length != context.Node.Output.Count)
            throw context.Fail($"the {(condition ? "then" : "else")} branch has {outputs.Length} outputs, the node {context.Node.Output.Count}");
        // Branch outputs are handed on as they are: an outer value a branch passes through is shared, never written.
        for (var i = 0; i < outputs.Length; i++) context.SetOutput(i, outputs[i]);
    }
}
