namespace Compression.Engine.Preprocessing.ConstantFolding;

/// <summary>
/// The size rule of constant folding: a node is not folded when its outputs would take more than
/// <see cref="MaxGrowthFactor"/> times the bytes of its inputs <em>and</em> more than <see cref="MaxGrowthBytes"/>.
/// ConstantOfShape, Expand, Tile and Range make large tensors from small ones; stored, such a tensor would grow the file
/// (which this project exists to shrink) for no gain at run time, where runtimes compute it once anyway. Folds that
/// keep the size (Transpose, Cast, Reshape of a weight) or shrink it are always allowed. The byte floor is 1 KiB: shape
/// chains (a few int64s) fold, fills do not — BlazeFace's channel-padding zeros folded under a 64 KiB floor made its
/// compressed files 170 KB larger.
/// </summary>
internal sealed record ConstantFoldingOptions
{
    public long MaxGrowthBytes { get; init; } = 1024;

    public double MaxGrowthFactor { get; init; } = 2.0;

    /// <summary>Whether outputs of <paramref name="outputBytes"/> computed from <paramref name="inputBytes"/> are too large to store.</summary>
    public bool TooLarge(long inputBytes, long outputBytes) =>
        outputBytes > MaxGrowthBytes && outputBytes > MaxGrowthFactor * inputBytes;
}
