using System.Text.Json;

namespace Compression.Testing;

/// <summary>The graph inputs of a model as ONNX's own Python package reads them.</summary>
public sealed record ModelSignature(IReadOnlyList<string> InputNames, IReadOnlyList<string> OutputNames);

/// <summary>
/// Deterministic .npy inputs for any model, written by numpy so our readers are checked against the reference writer.
/// Shapes come from the model's declared inputs; a symbolic dimension becomes 1 when it is the first (batch) and 64
/// otherwise — one rule for every model, a multiple of the usual strides (32) and small enough to run fast.
/// </summary>
public static class ModelInputs
{
    private const string GenerateScript = """
        import json, sys
        import numpy as np
        import onnx
        from onnx import mapping

        model_path, folder, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
        graph = onnx.load(model_path, load_external_data=False).graph
        # Older exporters list initializers as graph inputs too; those are weights, not inputs to feed.
        initializers = {t.name for t in graph.initializer}
        rng = np.random.default_rng(seed)
        inputs = [i for i in graph.input if i.name not in initializers]
        for index, value in enumerate(inputs):
            tensor = value.type.tensor_type
            dtype = np.dtype(mapping.TENSOR_TYPE_TO_NP_TYPE[tensor.elem_type])
            shape = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else (1 if k == 0 else 64)
                     for k, d in enumerate(tensor.shape.dim)]
            if dtype.kind == "f":
                array = rng.random(shape).astype(dtype)
            elif dtype.kind == "b":
                array = rng.random(shape) < 0.5
            else:
                array = rng.integers(0, 10, size=shape).astype(dtype)
            np.save(f"{folder}/input_{index}.npy", array)
        print(json.dumps({"inputs": [i.name for i in inputs], "outputs": [o.name for o in graph.output]}))
        """;

    /// <summary>
    /// Writes input_&lt;i&gt;.npy for every non-initializer graph input of <paramref name="model"/> into
    /// <paramref name="folder"/>; the same seed gives the same bytes. Returns the model's input and output names.
    /// </summary>
    public static async Task<ModelSignature> GenerateAsync(string model, string folder, int seed = 0)
    {
        Directory.CreateDirectory(folder);
        var stdout = await Python.RunAsync(GenerateScript, model, folder, seed.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        return new ModelSignature(
            root.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToList());
    }
}
