using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>Registers the Reduction kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class ReductionKernels
{
    public static void Register(KernelRegistry registry)
    {
        // ReduceSum takes its axes as an input from version 13; the others keep the attribute through opset 17.
        registry.Add("ReduceSum", new Reduce<SumOperation>(axesInputFrom: 13), 1, 11, 13);
        registry.Add("ReduceMean", new Reduce<MeanOperation>(), 1, 11, 13);
        registry.Add("ReduceMax", new Reduce<MaxOperation>(), 1, 11, 12, 13);
        registry.Add("ReduceMin", new Reduce<MinOperation>(), 1, 11, 12, 13);
        registry.Add("ReduceProd", new Reduce<ProdOperation>(), 1, 11, 13);
        registry.Add("ReduceSumSquare", new Reduce<SumSquareOperation>(), 1, 11, 13);
        registry.Add("ReduceL1", new Reduce<L1Operation>(), 1, 11, 13);
        registry.Add("ReduceL2", new Reduce<L2Operation>(), 1, 11, 13);
        registry.Add("ArgMax", new ArgExtreme(max: true), 1, 11, 12, 13);
        registry.Add("ArgMin", new ArgExtreme(max: false), 1, 11, 12, 13);
    }
}
