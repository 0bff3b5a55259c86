using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;

namespace Compression.Evaluation.DataSets;

/// <summary>Writes a model's outputs as <c>output_&lt;i&gt;.npy</c> in graph output order (the layout ONNX Runtime's oracle uses too).</summary>
public static class OutputFiles
{
    public static string FileName(int index) => $"output_{index}.npy";

    /// <summary>Writes each output into <paramref name="folder"/> (created if needed); returns the paths in order.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<string> names, IReadOnlyDictionary<string, Tensor> outputs)
    {
        var paths = new List<string>(names.Count);
        try
        {
            Directory.CreateDirectory(folder);
            for (var i = 0; i < names.Count; i++)
            {
                var path = Path.Combine(folder, FileName(i));
                NpyFile.Write(path, TensorConversion.ToProto(outputs[names[i]], names[i]));
                paths.Add(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException(EvaluationErrorCodes.OutputWriteFailed, $"the outputs could not be written: {e.Message}", folder, e);
        }
        return paths;
    }
}
