namespace Compression.Engine.Build;

/// <summary>
/// File names for compressed models in the output folder: the model's own name, made unique with a short suffix when
/// two items of one project share a file name (Models/a/model.onnx and Models/b/model.onnx).
/// </summary>
internal sealed class OutputNames
{
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public string For(string modelPath)
    {
        var stem = Path.GetFileNameWithoutExtension(modelPath);
        var name = $"{stem}.onnx";
        for (var i = 2; !_used.Add(name); i++) name = $"{stem}_{i}.onnx";
        return name;
    }
}
