using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>Registers the TensorOps kernels: one line per operator, listing the operator versions it implements.</summary>
internal static class TensorOpsKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Constant", new Constant(), 1, 9, 11, 12, 13, 19, 21);
        registry.Add("ConstantOfShape", new ConstantOfShape(), 9, 20, 21);
        registry.Add("Identity", new Identity(), 1, 13, 14, 16, 19, 21);
        registry.Add("Reshape", new Reshape(), 1, 5, 13, 14, 19, 21);
        registry.Add("Shape", new Shape(), 1, 13, 15, 19, 21);
        registry.Add("Size", new Size(), 1, 13, 19, 21);
        registry.Add("Flatten", new Flatten(), 1, 9, 11, 13, 21);
        registry.Add("Squeeze", new Squeeze(), 1, 11, 13, 21);
        registry.Add("Unsqueeze", new Unsqueeze(), 1, 11, 13, 21);
        registry.Add("Transpose", new Transpose(), 1, 13, 21);
        registry.Add("Concat", new Concat(), 4, 11, 13);
        registry.Add("Split", new Split(), 2, 11, 13, 18);
        registry.Add("Slice", new Slice(), 1, 10, 11, 13);
        registry.Add("Gather", new Gather(), 1, 11, 13);
        registry.Add("GatherElements", new GatherElements(), 11, 13);
        registry.Add("GatherND", new GatherND(), 11, 12, 13);
        registry.Add("ScatterND", new ScatterND(), 11, 13, 16, 18);
        registry.Add("ScatterElements", new ScatterElements(), 11, 13, 16, 18);
        registry.Add("Scatter", new ScatterElements(), 9, 11);
        registry.Add("CumSum", new CumSum(), 11, 14);
        registry.Add("NonZero", new NonZero(), 9, 13);
        registry.Add("OneHot", new OneHot(), 9, 11);
        registry.Add("Expand", new Expand(), 8, 13);
        registry.Add("Tile", new Tile(), 6, 13);
        registry.Add("Pad", new Pad(), 2, 11, 13, 18, 19, 21);
        registry.Add("Resize", new Resize(), 10, 11, 13, 18, 19);
        registry.Add("Upsample", new Upsample(), 7, 9);
        registry.Add("Range", new Range(), 11);
        registry.Add("DepthToSpace", new DepthToSpace(), 1, 11, 13);
        registry.Add("SpaceToDepth", new SpaceToDepth(), 1, 13);
    }
}
