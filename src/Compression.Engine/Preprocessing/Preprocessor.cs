using Compression.Engine.Pipeline;
using Compression.Engine.Preprocessing.BatchNormFolding;
using Compression.Engine.Preprocessing.ConstantFolding;
using Compression.Engine.Preprocessing.DeadCode;
using Compression.Engine.Preprocessing.Equalization;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing;

/// <summary>
/// The preprocessing quantization and pruning run first, as ONNX Runtime's quantization pre-processing does: fold
/// constants (Constant nodes, shape chains over static shapes) so BatchNormalization parameters and weights are plain
/// initializers; fold BatchNormalization (and constant scales) into its producer; fold again (what the first folds and
/// BatchNormalization folding changed may make more nodes constant); equalize the channels of Conv/Gemm pairs (on the
/// folded weights, with the calibration data when there is some); then remove what no output needs. Each step is a
/// pass of its own and reports what it changed. The planner asks for the steps a pass needs and has not had yet.
/// </summary>
internal static class Preprocessor
{
    /// <summary>What a step may read besides the model: equalization measures activation ranges on the calibration data.</summary>
    public sealed record Data(string? CalibrationData = null, string? SourcePath = null, int Threads = 1);

    /// <summary>One preprocessing step: its name and how to build its pass for a run.</summary>
    public sealed record Step(string Name, string Description, Func<Data, IPreprocessingPass> Create);

    /// <summary>
    /// The steps that give a model <paramref name="needs"/>, in order, among those <paramref name="options"/> enables.
    /// <paramref name="foldedConstants"/>: constants are folded (now or before), so BatchNormalization folding is followed
    /// by a second fold.
    /// </summary>
    public static IReadOnlyList<Step> Steps(PreprocessingNeeds needs, PreprocessOptions? options = null, bool foldedConstants = false)
    {
        options ??= PreprocessOptions.Default;
        var steps = new List<Step>();
        var fold = new Step("fold-constants", "Constant nodes and static shape chains into initializers", _ => new ConstantFoldingPass(options.Folding));
        if (needs.HasFlag(PreprocessingNeeds.FoldedConstants) && options.FoldConstants) steps.Add(fold);
        if (needs.HasFlag(PreprocessingNeeds.FoldedBatchNormalization) && options.FoldBatchNormalization)
        {
            steps.Add(new Step("fold-batchnorm", "BatchNormalization and constant channel scales into the Conv/Gemm before them", _ => new BatchNormFoldingPass()));
            if (options.FoldConstants && (foldedConstants || needs.HasFlag(PreprocessingNeeds.FoldedConstants)))
                steps.Add(fold with { Description = "what BatchNormalization folding left constant" });
        }
        if (needs.HasFlag(PreprocessingNeeds.EqualizedChannels) && options.Equalize)
            steps.Add(new Step("equalize", "cross-layer equalization of Conv/Gemm pairs",
                d => new EqualizationPass(options.Equalization, d.CalibrationData, d.SourcePath, d.Threads)));
        if (steps.Count > 0 && options.RemoveDeadCode)
            steps.Add(new Step("remove-dead", "nodes and constants no output needs", _ => new DeadCodePass()));
        return steps;
    }

    /// <summary>
    /// Every enabled step, as static quantization runs them, for a bare model; without <paramref name="calibrationData"/>
    /// equalization works from the weights alone.
    /// </summary>
    public static IReadOnlyList<IPreprocessingPass> Passes(PreprocessOptions? options = null, string? calibrationData = null,
        string? sourcePath = null, int threads = 1) =>
        Steps(PreprocessingNeeds.All, options).Select(s => s.Create(new Data(calibrationData, sourcePath, threads))).ToList();

    /// <summary>Preprocesses <paramref name="model"/> in place.</summary>
    public static IReadOnlyList<PassReport> Run(ModelProto model, PreprocessOptions? options = null) =>
        Passes(options).Select(p => p.Apply(model)).ToList();
}
