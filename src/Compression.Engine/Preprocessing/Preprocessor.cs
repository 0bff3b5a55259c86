using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Engine.Preprocessing.DeadCode;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing;

/// <summary>
/// The preprocessing that static quantization runs first, as ONNX Runtime's quantization pre-processing does:
/// fold constants (Constant nodes, shape chains over static shapes) so BatchNormalization parameters and weights are
/// plain initializers; fold BatchNormalization into its producer; fold again (what the first folds and BatchNormalization
/// folding changed may make more nodes constant); then remove what no output needs. Each step is a pass of its own and
/// reports what it changed.
/// </summary>
public static class Preprocessor
{
    /// <summary>The passes <paramref name="options"/> selects, in the order they run.</summary>
    public static IReadOnlyList<IPreprocessingPass> Passes(PreprocessOptions? options = null)
    {
        options ??= PreprocessOptions.Default;
        var passes = new List<IPreprocessingPass>();
        if (options.FoldConstants) passes.Add(new ConstantFoldingPass(options.Folding));
        if (options.FoldBatchNormalization)
        {
            passes.Add(new BatchNormFoldingPass());
            if (options.FoldConstants) passes.Add(new ConstantFoldingPass(options.Folding));
        }
        if (options.RemoveDeadCode) passes.Add(new DeadCodePass());
        return passes;
    }

    /// <summary>Preprocesses the context's working model in place.</summary>
    public static IReadOnlyList<PassReport> Run(CompressionContext context, PreprocessOptions? options = null) =>
        Run(context.Model, options);

    /// <summary>Preprocesses <paramref name="model"/> in place.</summary>
    public static IReadOnlyList<PassReport> Run(ModelProto model, PreprocessOptions? options = null) =>
        Passes(options).Select(p => p.Apply(model)).ToList();
}
