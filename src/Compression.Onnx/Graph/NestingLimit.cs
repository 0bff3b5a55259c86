using Compression.Onnx.Diagnostics;

namespace Compression.Onnx.Graph;

/// <summary>
/// How deep subgraphs may nest before a walk refuses the model (MCB1004): protobuf's own 100 levels, so a hostile file
/// cannot make the index or the editor recurse without end.
/// </summary>
internal static class NestingLimit
{
    public const int MaxDepth = 100;

    /// <summary><paramref name="depth"/> itself when it is within the limit; MCB1004 past it.</summary>
    public static int Check(int depth) => depth <= MaxDepth ? depth
        : throw new CompressionException(ErrorCodes.ModelNestedTooDeeply, $"subgraphs are nested more than {MaxDepth} levels deep.");
}
