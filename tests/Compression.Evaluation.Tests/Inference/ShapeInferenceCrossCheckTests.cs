using System.Globalization;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Operators;
using Compression.Onnx.Graph;
using Compression.Onnx.Model;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Evaluation.Tests.Inference;

/// <summary>
/// Our shape inference against ONNX 1.12's (onnx.shape_inference.infer_shapes) on every backend-suite model whose
/// operators all have kernels. The models' own value_info and output shapes are stripped first, and both sides infer
/// from the same stripped file, so this compares inference with inference: wherever both know a dimension it must be
/// equal, wherever both know a rank or an element type they must be equal.
/// </summary>
public sealed class ShapeInferenceCrossCheckTests
{
    // Strips value_info and output shapes, saves the stripped model, prints ONNX's inferred type of every value:
    // "M <path>" then "V <name> <elem_type> <dims>" with dims comma-separated, ? for unknown, * for unknown rank.
    private const string Script = """
        import sys, onnx
        from onnx import shape_inference
        for line in open(sys.argv[1], encoding="utf-8"):
            source, target = line.rstrip("\n").split("\t")
            model = onnx.load(source)
            del model.graph.value_info[:]
            for output in model.graph.output:
                if output.type.HasField("tensor_type"):
                    output.type.tensor_type.ClearField("shape")
            onnx.save(model, target)
            print("M\t" + target)
            try:
                inferred = shape_inference.infer_shapes(model)
            except Exception as e:
                print("E\t" + str(e).replace("\n", " "))
                continue
            for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
                if not vi.type.HasField("tensor_type"):
                    continue
                t = vi.type.tensor_type
                if t.HasField("shape"):
                    dims = ",".join(str(d.dim_value) if d.HasField("dim_value") else "?" for d in t.shape.dim)
                else:
                    dims = "*"
                print("V\t%s\t%d\t%s" % (vi.name, t.elem_type, dims))
        """;

    private readonly ITestOutputHelper _output;

    public ShapeInferenceCrossCheckTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Our_inferred_shapes_and_types_agree_with_onnx_shape_inference_on_the_backend_suite()
    {
        var models = TestAssets.BackendModels().Where(AllOperatorsSupported).ToList();
        Assert.True(models.Count > 100, $"only {models.Count} backend models are fully supported");
        var result = await CompareAsync(models, m => $"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(m)))}/{Path.GetFileName(Path.GetDirectoryName(m))}");
        Assert.Empty(result.Mismatches);
        Assert.True(result.Dims > 400, $"only {result.Dims} dimensions were compared");
        Assert.True(result.Types > 250, $"only {result.Types} element types were compared");
    }

    /// <summary>
    /// The real models, whatever their operators: values after an operator without a kernel stay unknown to us, but
    /// every value both sides know (the Shape → Gather → Concat → Reshape chains of exporters included) must agree.
    /// </summary>
    [Fact]
    public async Task Our_inferred_shapes_agree_with_onnx_shape_inference_on_the_real_models()
    {
        var models = TestAssets.RealModels.Select(m => m.RequirePath()).ToList();
        var result = await CompareAsync(models, Path.GetFileName);
        Assert.Empty(result.Mismatches);
        Assert.True(result.Dims > 0, "no dimension was compared");
    }

    private sealed record Comparison(int Dims, int Types, List<string> Mismatches);

    private async Task<Comparison> CompareAsync(List<string> models, Func<string, string> describe)
    {
        using var temp = new TempFolder("shape-crosscheck");
        var list = temp.Combine("models.tsv");
        File.WriteAllLines(list, models.Select((m, i) => $"{m}\t{temp.Combine($"{i:D4}.onnx")}"));
        var stdout = await Python.RunAsync(Script, TimeSpan.FromMinutes(5), list);

        var expected = Parse(stdout);
        int dims = 0, ranks = 0, types = 0, ourUnknown = 0, theirUnknown = 0;
        var mismatches = new List<string>();
        var gaps = new List<string>();
        foreach (var (path, values) in expected)
        {
            var ours = ShapeInference.InferShapes(OnnxModel.Load(path));
            var label = describe(models[int.Parse(Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture)]);
            foreach (var (value, (type, shape)) in values)
            {
                if (!ours.TryGetValue(value, out var info))
                {
                    ourUnknown++;
                    gaps.Add($"{label} '{value}': not inferred");
                    continue;
                }
                if (type != 0 && info.ElementType != 0)
                {
                    types++;
                    if ((int)info.ElementType != type) mismatches.Add($"{label} '{value}': type {info.ElementType}, ONNX says {type}");
                }
                if (shape is null || info.Shape is null)
                {
                    if (shape is not null) { ourUnknown++; gaps.Add($"{label} '{value}': rank unknown"); }
                    else if (info.Shape is not null) theirUnknown++;
                    continue;
                }
                ranks++;
                var theirs = "[" + string.Join(", ", shape.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "?")) + "]";
                if (shape.Length != info.Shape.Length)
                {
                    mismatches.Add($"{label} '{value}': shape {Format(info.Shape)}, ONNX says {theirs}");
                    continue;
                }
                for (var i = 0; i < shape.Length; i++)
                {
                    if (shape[i] is not { } dim) { if (info.Shape[i].IsKnown) theirUnknown++; continue; }
                    if (!info.Shape[i].IsKnown) { ourUnknown++; gaps.Add($"{label} '{value}': {Format(info.Shape)} dim {i} unknown, ONNX says {theirs}"); continue; }
                    dims++;
                    if (info.Shape[i].Value != dim)
                    {
                        mismatches.Add($"{label} '{value}': shape {Format(info.Shape)}, ONNX says {theirs}");
                        break;
                    }
                }
            }
        }

        _output.WriteLine($"{models.Count} models; compared {dims} dimensions, {ranks} ranks, {types} element types; " +
            $"known only to ONNX: {ourUnknown}, known only to us: {theirUnknown}; mismatches: {mismatches.Count}");
        foreach (var m in mismatches.Take(50)) _output.WriteLine("  mismatch: " + m);
        foreach (var g in gaps.Take(30)) _output.WriteLine("  gap: " + g);
        return new Comparison(dims, types, mismatches);
    }

    private static string Format(Dim[] shape) => "[" + string.Join(", ", shape) + "]";

    private static bool AllOperatorsSupported(string path)
    {
        var model = OnnxModel.Load(path);
        var index = new ModelIndex(model.Proto);
        return index.AllGraphs.SelectMany(g => g.Graph.Node).All(node =>
        {
            var domain = ModelIndex.NormalizeDomain(node.Domain);
            if (domain.Length != 0 || index.OpsetOf(node) is not { } opset) return false;
            return OperatorVersions.Default.Resolve(node.OpType, opset) is { } v && KernelRegistry.Default.Find(domain, node.OpType, v) is not null;
        });
    }

    /// <summary>Per stripped model: each value's element type and dims (null entries unknown; a null array an unknown rank).</summary>
    private static Dictionary<string, Dictionary<string, (int Type, long?[]? Shape)>> Parse(string stdout)
    {
        var result = new Dictionary<string, Dictionary<string, (int, long?[]?)>>(StringComparer.Ordinal);
        Dictionary<string, (int, long?[]?)>? current = null;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            switch (parts[0])
            {
                case "M": result[parts[1]] = current = new(StringComparer.Ordinal); break;
                case "E": break;
                case "V":
                    var dims = parts[3] == "*" ? null
                        : parts[3].Length == 0 ? []
                        : parts[3].Split(',').Select(d => d == "?" ? (long?)null : long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
                    current![parts[1]] = (int.Parse(parts[2], CultureInfo.InvariantCulture), dims);
                    break;
            }
        }
        return result;
    }
}
