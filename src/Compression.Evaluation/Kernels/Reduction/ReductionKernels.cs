using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Reduction;

/// <summary>Registers the Reduction kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class ReductionKernels
{
    public static void Register(KernelRegistry registry)
    {
        // ReduceSum takes its axes as an input from version 13, the others from 18 (the attribute before).
        registry.Add("ReduceSum", new Reduce<SumOperation>(axesInputFrom: 13), 1, 11, 13);
        registry.Add("ReduceMean", new Reduce<MeanOperation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ReduceMax", new Reduce<MaxOperation>(axesInputFrom: 18), 1, 11, 12, 13, 18, 20);
        registry.Add("ReduceMin", new Reduce<MinOperation>(axesInputFrom: 18), 1, 11, 12, 13, 18, 20);
        registry.Add("ReduceProd", new Reduce<ProdOperation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ReduceSumSquare", new Reduce<SumSquareOperation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ReduceL1", new Reduce<L1Operation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ReduceL2", new Reduce<L2Operation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ReduceLogSum", new Reduce<LogSumOperation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ReduceLogSumExp", new Reduce<LogSumExpOperation>(axesInputFrom: 18), 1, 11, 13, 18);
        registry.Add("ArgMax", new ArgExtreme(max: true), 1, 11, 12, 13);
        registry.Add("ArgMin", new ArgExtreme(max: false), 1, 11, 12, 13);
    }
}
