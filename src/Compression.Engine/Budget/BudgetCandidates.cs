using Compression.Engine.Recipes;
using Compression.Onnx.Model;

namespace Compression.Engine.Budget;

/// <summary>
/// The layers the budget may keep back, by node name (what a recipe's Exclude takes): for the integer modes the nodes
/// whose weights or activations they quantize (Conv, ConvTranspose, Gemm, MatMul, and the residual Adds static int8
/// joins); for fp16 every node. Unnamed nodes cannot be named in Exclude and are never candidates.
/// </summary>
internal static class BudgetCandidates
{
    private static readonly HashSet<string> Quantized = new(StringComparer.Ordinal) { "Conv", "ConvTranspose", "Gemm", "MatMul", "Add" };

    public static IEnumerable<string> Of(OnnxModel model, Recipe recipe)
    {
        var names = model.Graph.Node.Where(n => n.Name.Length > 0).GroupBy(n => n.Name).Where(g => g.Count() == 1).Select(g => g.First());
        var nodes = recipe.Quantization == QuantizationMode.Fp16 ? names : names.Where(n => Quantized.Contains(n.OpType));
        return nodes.Where(n => !recipe.Exclude.Contains(n.Name, StringComparer.Ordinal)).Select(n => n.Name);
    }
}
