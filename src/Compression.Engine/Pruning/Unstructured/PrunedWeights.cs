using Compression.Engine.Pipeline;
using Compression.Onnx.Tensors;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>Writes pruned values back into their tensors (as float zeros, so quantization and packing see them) and reports.</summary>
internal static class PrunedWeights
{
    public static PassReport Write(string pass, IReadOnlyList<ScoredWeight> weights, IReadOnlyList<bool[]> masks, string how, string basis)
    {
        long total = 0, zeros = 0, bytes = 0;
        var changed = 0;
        double densest = 1, sparsest = 0;
        for (var w = 0; w < weights.Count; w++)
        {
            var (weight, values, mask) = (weights[w].Weight, weights[w].Values, masks[w]);
            var layerZeros = 0;
            var any = false;
            for (var i = 0; i < values.Length; i++)
            {
                if (mask[i] && values[i] != 0f) { values[i] = 0f; any = true; }
                // −0 becomes +0: a zero is one bit pattern, so the packer sees one symbol.
                if (values[i] == 0f) { values[i] = 0f; layerZeros++; }
            }
            if (any) changed++;
            // A copy of the dims: Replace clears the tensor's own list before it reads the new one.
            TensorData.Replace(weight.Weight.Tensor, weight.Weight.Tensor.Dims.ToArray(), (ReadOnlySpan<float>)values);
            total += values.Length;
            zeros += layerZeros;
            bytes += 4L * values.Length;
            var sparsity = (double)layerZeros / values.Length;
            densest = Math.Min(densest, sparsity);
            sparsest = Math.Max(sparsest, sparsity);
        }
        if (weights.Count == 0) return PassReport.Nothing(pass, "no float Conv/ConvTranspose/Gemm/MatMul weights to prune");
        return new PassReport(pass, changed, bytes, bytes,
        [
            $"{how}: {zeros} of {total} weights are zero ({100.0 * zeros / total:F1}%) over {weights.Count} tensors; per tensor {100 * densest:F1}%–{100 * sparsest:F1}%",
            $"importance {basis}; the file shrinks once quantization and packing see the zeros",
        ]);
    }
}
