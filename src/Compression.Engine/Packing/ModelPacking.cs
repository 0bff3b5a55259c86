using System.Security.Cryptography;
using Compression.Engine.Recipes;

namespace Compression.Engine.Packing;

/// <summary>
/// Packs a saved model file in place (the file then holds the packed bytes) and reports against the original. The
/// SHA-256 in the report is of the model the packed bytes decode to: what the accessor hands the app and what the app
/// can verify.
/// </summary>
internal static class ModelPacking
{
    /// <summary>The extension a packed file carries: model.onnx packed by Brotli is model.onnx.br, as HTTP tools name it.</summary>
    public const string BrotliExtension = ".br";

    /// <summary>The CLI's output name: with packing, <paramref name="output"/> gains ".br" unless it has it.</summary>
    public static string PathFor(string output, PackingMode packing) =>
        packing == PackingMode.Brotli && !output.EndsWith(BrotliExtension, StringComparison.OrdinalIgnoreCase) ? output + BrotliExtension : output;

    /// <param name="threads">With 2 or more, the report's baseline (the original packed alike) is coded beside the
    /// model: quality 11 is slow (0.1–0.6 MB/s), and the baseline is the larger file. The bytes do not depend on it.</param>
    public static PackingReport Pack(string modelFile, string originalFile, PackingMode packing, int threads = 1)
    {
        if (packing != PackingMode.Brotli) throw new ArgumentOutOfRangeException(nameof(packing), packing, "only brotli packs");
        var model = File.ReadAllBytes(modelFile);
        var original = File.ReadAllBytes(originalFile);
        var baseline = threads > 1 ? Task.Run(() => BrotliPacking.Pack(original).LongLength) : null;
        var packed = BrotliPacking.Pack(model);
        var originalPacked = baseline?.GetAwaiter().GetResult() ?? BrotliPacking.Pack(original).LongLength;
        var temp = modelFile + ".packing.tmp";
        File.WriteAllBytes(temp, packed);
        File.Move(temp, modelFile, overwrite: true);
        return new PackingReport("brotli", packed.LongLength, model.LongLength, original.LongLength, originalPacked,
            Convert.ToHexStringLower(SHA256.HashData(model)));
    }
}
