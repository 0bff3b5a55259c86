using System.Globalization;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Model;
using ModelApp;

// The accessor knows what the build did with the model.
var model = CompressedModels.HelloDeepa.ReadAllBytes();
Console.WriteLine($"model:      hello_deepa.onnx ({CompressedModels.HelloDeepa.ResourceName})");
Console.WriteLine($"profile:    {CompressedModels.HelloDeepa.Profile}");
Console.WriteLine($"recipe:     {CompressedModels.HelloDeepa.Recipe}");
Console.WriteLine($"size:       {CompressedModels.HelloDeepa.OriginalSize:N0} -> {CompressedModels.HelloDeepa.CompressedSize:N0} bytes " +
                  $"({(double)CompressedModels.HelloDeepa.OriginalSize / CompressedModels.HelloDeepa.CompressedSize:0.00}x)");
Console.WriteLine($"sha256:     {CompressedModels.HelloDeepa.Sha256}");
Console.WriteLine($"embedded:   {model.Length:N0} bytes read back");

// One inference on a fixed input: every declared dimension as declared, a symbolic one as 1. The managed executor
// must run what the build produced; when it cannot (a kernel it lacks), the sample fails with that coded message.
try
{
    var executor = new ModelExecutor(OnnxModel.Load(model));
    var input = executor.Model.Graph.Input.First(i => i.Name == executor.Inputs[0]);
    var shape = input.Type.TensorType.Shape.Dim.Select(d => d.HasDimValue ? (int)d.DimValue : 1).ToArray();
    var values = new float[shape.Aggregate(1, (a, b) => a * b)];
    for (var i = 0; i < values.Length; i++) values[i] = MathF.Sin(i * 0.01f);
    var outputs = executor.Run(new Dictionary<string, Tensor> { [input.Name] = Tensor.Create(shape, values) });
    var output = outputs[executor.Outputs[0]];
    Console.WriteLine($"inference:  {executor.Outputs[0]} [{string.Join(", ", output.Shape)}] = " +
                      string.Join(", ", output.ToArray<float>().Take(4).Select(s => s.ToString("0.######", CultureInfo.InvariantCulture))));
    return 0;
}
catch (Compression.Onnx.Diagnostics.CompressionException e)
{
    Console.Error.WriteLine($"inference:  failed: {e.Message}");
    return 1;
}
