using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Transpose (1, 13): permutes axes by <c>perm</c>, by default reversing them.</summary>
internal sealed class Transpose : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        if (input?.Shape is null) return [new ValueInfo(input?.ElementType ?? default, null)];
        var perm = Permutation(context.Attributes.GetInts("perm"), input.Shape.Length, context.Fail);
        return [new ValueInfo(input.ElementType, perm.Select(a => input.Shape[a]).ToArray())];
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var perm = Permutation(context.Attributes.GetInts("perm"), input.Rank, context.Fail);
        var output = context.Allocate(input.ElementType, TransposeCore.OutputShape(input.Shape, perm));
        TransposeCore.Run(input.Data, input.Shape, perm, output.Data);
        context.SetOutput(0, output);
    }

    private static int[] Permutation(long[]? attribute, int rank, Func<string, KernelException> fail)
    {
        if (attribute is null || attribute.Length == 0)
            return Enumerable.Range(0, rank).Reverse().ToArray();
        if (attribute.Length != rank) throw fail($"perm has {attribute.Length} axes, the input has rank {rank}");
        var seen = new bool[rank];
        var perm = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var a = attribute[i] < 0 ? attribute[i] + rank : attribute[i];
            if (a < 0 || a >= rank || seen[a]) throw fail($"perm [{string.Join(", ", attribute)}] is not a permutation");
            seen[a] = true;
            perm[i] = (int)a;
        }
        return perm;
    }
}
