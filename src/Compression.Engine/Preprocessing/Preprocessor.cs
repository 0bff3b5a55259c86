using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Engine.Preprocessing.DeadCode;
using Compression.Engine.Preprocessing.Equalization;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing;

/// <summary>
/// The preprocessing that static quantization runs first, as ONNX Runtime's quantization pre-processing does:
/// fold constants (Constant nodes, shape chains over static shapes) so BatchNormalization parameters and weights are
/// plain initializers; fold BatchNormalization (and constant scales) into its producer; fold again (what the first folds
/// and BatchNormalization folding changed may make more nodes constant); equalize the channels of Conv/Gemm pairs (on the folded weights, with
/// the calibration data when there is some); then remove what no output needs. Each step is a pass of its own and
/// reports what it changed.
/// </summary>
public static class Preprocessor
{
    /// <summary>
    /// The passes <paramref name="options"/> selects, in the order they run. <paramref name="calibrationData"/> (a data-set
    /// folder; <paramref name="sourcePath"/> resolves external data, <paramref name="threads"/> runs the executor) lets
    /// equalization measure activation ranges; without it equalization works from the weights alone.
    /// </summary>
    public static IReadOnlyList<IPreprocessingPass> Passes(PreprocessOptions? options = null, string? calibrationData = null,
        string? sourcePath = null, int threads = 1)
    {
        options ??= PreprocessOptions.Default;
        var passes = new List<IPreprocessingPass>();
        if (options.FoldConstants) passes.Add(new ConstantFoldingPass(options.Folding));
        if (options.FoldBatchNormalization)
        {
            passes.Add(new BatchNormFoldingPass());
            if (options.FoldConstants) passes.Add(new ConstantFoldingPass(options.Folding));
        }
        if (options.Equalize) passes.Add(new EqualizationPass(options.Equalization, calibrationData, sourcePath, threads));
        if (options.RemoveDeadCode) passes.Add(new DeadCodePass());
        return passes;
    }

    /// <summary>
    /// Preprocesses the context's working model in place, with the context's calibration data for equalization;
    /// <paramref name="options"/> defaults to the context's <see cref="CompressionContext.Preprocessing"/>.
    /// </summary>
    public static IReadOnlyList<PassReport> Run(CompressionContext context, PreprocessOptions? options = null) =>
        Passes(options ?? context.Preprocessing, context.CalibrationData, context.Original.SourcePath, context.Threads)
            .Select(p => p.Apply(context.Model)).ToList();

    /// <summary>Preprocesses <paramref name="model"/> in place.</summary>
    public static IReadOnlyList<PassReport> Run(ModelProto model, PreprocessOptions? options = null) =>
        Passes(options).Select(p => p.Apply(model)).ToList();
}
