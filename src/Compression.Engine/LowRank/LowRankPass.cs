using Compression.Engine.Pipeline;
using Compression.Engine.Recipes;
using Compression.Onnx.Editing;
using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.LowRank;

/// <summary>
/// <c>LowRank=energy:F</c> or <c>rank:F</c>: each Gemm, constant-weight MatMul and group-1 Conv of the main graph whose
/// weight matrix A (outputs × inputs, <see cref="FactorableLayer"/>) is better stored as two thin factors is split in
/// two: A ≈ F2·F1 from the truncated SVD (<see cref="TruncatedSvd"/>), √σ on each side. The first node computes the r
/// values per position (a MatMul by F1ᵀ, or a Conv with r filters and the layer's geometry); the layer itself then
/// reads them through F2 (a Conv becomes 1×1) and keeps its name, output and bias. Only where it pays:
/// r·(outputs + inputs) &lt; outputs·inputs, which also cuts the multiply-adds by the same ratio. With calibration
/// data the second factor and the bias are refit by least squares to the original layer's outputs
/// (<see cref="FactorRefit"/>).
/// </summary>
internal sealed class LowRankPass : ICompressionPass
{
    public string Name => "low-rank";

    public PassReport Apply(CompressionContext context)
    {
        var spec = context.Recipe.LowRank ?? throw new InvalidOperationException("no LowRank in the recipe");
        var model = context.Model;
        var reference = context.CalibrationData is null ? null : model.Clone();
        var editor = new ModelEditor(model);
        var graph = editor.Main;
        var freeInitializers = editor.UsesInitializers;
        long bytesBefore = 0, bytesAfter = 0, macsBefore = 0, macsAfter = 0;
        var factored = new List<FactoredLayer>();
        var skipped = 0;
        foreach (var node in graph.Graph.Node.ToList())
        {
            if (context.IsExcluded(node) || FactorableLayer.Find(graph, node, freeInitializers) is not { } layer) continue;
            var maxRank = layer.LargestPayingRank;
            if (maxRank < 1) { skipped++; continue; }
            var wanted = spec is LowRankSpec.Rank r ? (int)Math.Ceiling(r.Fraction * Math.Min(layer.Outputs, layer.Inputs)) : maxRank;
            if (wanted > maxRank) { skipped++; continue; }
            var a = layer.Matrix();
            var svd = TruncatedSvd.Compute(a, wanted);
            var rank = spec is LowRankSpec.Energy e ? EnergyRank(svd, e.Fraction) : svd.Rank;
            if (rank is not { } chosen) { skipped++; continue; }
            factored.Add(Rewrite(graph, layer, a, svd, chosen));
            bytesBefore += 4 * layer.Elements;
            bytesAfter += 4L * chosen * (layer.Outputs + layer.Inputs);
            var (before, after) = layer.MacsPerPosition(chosen);
            macsBefore += before;
            macsAfter += after;
        }

        var notes = new List<string>
        {
            $"{factored.Count} layers factored ({RecipeOptions.Format(spec)}), {skipped} left whole (the rank the setting asks for does not pay); "
            + (factored.Count == 0 ? "" : $"weights {bytesBefore:N0} → {bytesAfter:N0} bytes, multiply-adds per position {macsBefore:N0} → {macsAfter:N0}"),
        };
        notes.AddRange(factored.Select(f => $"{f.Layer.Node.OpType} {Describe(f.Layer.Node)}: {f.Layer.Outputs}×{f.Layer.Inputs} → rank {f.Rank}, {100 * f.Energy:F1}% of the energy"));
        if (reference is not null && factored.Count > 0)
            notes.Add(FactorRefit.Run(model, reference, context.Original.SourcePath, context.CalibrationData!, context.Threads, factored));
        return new PassReport(Name, 2 * factored.Count, bytesBefore, bytesAfter, notes);
    }

    /// <summary>The smallest rank keeping <paramref name="fraction"/> of ‖A‖²_F, or null if the paying ranks keep less.</summary>
    private static int? EnergyRank(SvdFactors svd, double fraction)
    {
        var kept = 0.0;
        for (var r = 0; r < svd.Rank; r++)
        {
            kept += svd.S[r] * svd.S[r];
            // A relative slack of 1e-12: energy:1 asks for every direction, which rounding may leave a hair short of.
            if (kept >= fraction * svd.TotalEnergy * (1 - 1e-12)) return r + 1;
        }
        return null;
    }

    private static FactoredLayer Rewrite(GraphEditor graph, FactorableLayer layer, Matrix<double> original, SvdFactors svd, int rank)
    {
        var node = layer.Node;
        var names = graph.Model.Names;
        // √σ on each side keeps the two factors on the same scale (one int8 scale range fits both later).
        var first = Matrix<double>.Build.Dense(rank, layer.Inputs, (i, k) => Math.Sqrt(svd.S[i]) * svd.Vt[i, k]);
        var second = Matrix<double>.Build.Dense(layer.Outputs, rank, (o, i) => svd.U[o, i] * Math.Sqrt(svd.S[i]));
        var energy = Enumerable.Range(0, rank).Sum(i => svd.S[i] * svd.S[i]) / Math.Max(svd.TotalEnergy, double.Epsilon);

        var label = node.Name.Length > 0 ? node.Name : node.Output[0];
        var firstName = names.Next($"{layer.Weight.Name}_lowrank_first");
        var middle = names.Next($"{label}_lowrank");
        var firstNode = NodeBuilder.Op(node.OpType == "Conv" ? "Conv" : "MatMul", names.Next($"{label}_lowrank_first"))
            .Domain(node.Domain).Inputs(node.Input[0], firstName).Outputs(middle);
        long[] secondDims;
        float[] secondValues;
        TensorProto firstWeight;
        if (node.OpType == "Conv")
        {
            // First: r filters with the layer's own geometry; second: the layer as a 1×1 Conv over the r channels.
            firstNode.AttributesOf(node);
            firstWeight = TensorData.Create<float>(firstName, [rank, .. layer.KernelDims.Select(d => (long)d)], RowMajor(first));
            secondDims = [layer.Outputs, rank, .. layer.KernelDims.Skip(1).Select(_ => 1L)];
            secondValues = RowMajor(second);
            foreach (var name in new[] { "strides", "pads", "dilations", "auto_pad", "kernel_shape" }) node.RemoveAttribute(name);
        }
        else
        {
            // First: MatMul by F1ᵀ (inputs × r); second: the layer by F2ᵀ (r × outputs), not transposed, alpha folded.
            firstWeight = TensorData.Create<float>(firstName, [layer.Inputs, rank], RowMajor(first.Transpose()));
            secondDims = [rank, layer.Outputs];
            secondValues = RowMajor(second.Transpose());
            node.RemoveAttribute("transB");
            node.RemoveAttribute("alpha");
        }
        graph.AddConstant(firstWeight, names.Next($"{firstName}_Constant"));
        ReplaceWeight(graph, layer.Weight, secondDims, secondValues);
        graph.SetInput(node, 0, middle);
        var built = firstNode.Build();
        graph.InsertBefore(node, built);
        return new FactoredLayer(layer, original, node, built, firstWeight, layer.Weight.Tensor, rank, energy);
    }

    /// <summary>Writes the second factor into the layer's weight tensor (and the declared shape of a weight that is also a graph input).</summary>
    internal static void ReplaceWeight(IGraphView graph, ConstantWeight weight, long[] dims, float[] values)
    {
        TensorData.Replace<float>(weight.Tensor, dims, values);
        if (graph.Graph.Input.FirstOrDefault(i => i.Name == weight.Name)?.Type?.TensorType?.Shape is { } shape)
        {
            shape.Dim.Clear();
            shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        }
    }

    private static float[] RowMajor(Matrix<double> m)
    {
        var values = new float[m.RowCount * m.ColumnCount];
        for (var i = 0; i < m.RowCount; i++)
            for (var j = 0; j < m.ColumnCount; j++)
                values[(i * m.ColumnCount) + j] = (float)m[i, j];
        return values;
    }

    private static string Describe(NodeProto node) => node.Name.Length > 0 ? $"'{node.Name}'" : $"→ '{node.Output[0]}'";
}

/// <summary>
/// A layer after factoring: the matrix A it had (for the refit), its second node (the original) and weight (F2), the
/// first node added before it and its weight (F1), the rank and the fraction of ‖A‖²_F kept.
/// </summary>
internal sealed record FactoredLayer(FactorableLayer Layer, Matrix<double> Original, NodeProto Second, NodeProto First, TensorProto FirstWeight,
    TensorProto SecondWeight, int Rank, double Energy);
