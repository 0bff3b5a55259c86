using Compression.Engine.Distillation;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Tests.Distillation;

/// <summary>The codebook refit solves the least squares it claims: its values are optimal for the entries chosen, in the layer's metric.</summary>
public class CodebookRefitTests
{
    private const int Inputs = 12, Outputs = 5, Size = 4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Refit_values_minimize_the_error_in_the_metric_and_keep_the_held_zero(bool holdZero)
    {
        var random = new Random(7);
        var x = Matrix<double>.Build.Dense(64, Inputs, (_, _) => random.NextDouble() - 0.5);
        var metric = x.TransposeThisAndMultiply(x) + Matrix<double>.Build.DenseIdentity(Inputs) * 0.01;
        var target = Matrix<double>.Build.Dense(Inputs, Outputs, (_, _) => (random.NextDouble() * 2) - 1);
        var layout = ProductLayout.KByN([Inputs, Outputs]);
        var form = Form([-0.9f, -0.2f, 0.3f, 0.8f], holdZero);
        var fitted = new double[Inputs * Outputs];
        for (var j = 0; j < Outputs; j++)
            for (var k = 0; k < Inputs; k++)
            {
                var flat = layout.Flat(j, k);
                // Some elements pruned (held at the zero entry) when the form holds one.
                fitted[flat] = holdZero && (k + j) % 5 == 0 ? form.Zero(flat) : form.Project(flat, target[k, j]);
            }
        var before = Error(fitted, target, metric, layout);
        var entriesBefore = form.Entries();
        var refit = (double[])fitted.Clone();

        var entries = CodebookRefit.Solve(form, layout, refit, [target], _ => metric);

        Assert.NotNull(entries);
        var after = Error(refit, target, metric, layout);
        Assert.True(after < before * 0.99, $"error {after} after the refit, {before} before");
        // Each element still takes its own entry, now at the refit value.
        for (var i = 0; i < fitted.Length; i++) Assert.Equal(entries[form.Entry(i, fitted[i])], refit[i]);
        var held = form.HeldLocal(0);
        if (holdZero) Assert.Equal(0, entries[held]);
        Assert.Equal(holdZero, held >= 0);
        // Optimal: moving any free entry either way makes the error larger.
        for (var e = 0; e < Size; e++)
        {
            if (e == held) continue;
            foreach (var delta in new[] { -1e-3, 1e-3 })
            {
                var moved = (double[])refit.Clone();
                for (var i = 0; i < moved.Length; i++)
                    if (form.Entry(i, fitted[i]) == e) moved[i] += delta;
                Assert.True(Error(moved, target, metric, layout) > after, $"entry {e} moved by {delta} lowered the error");
            }
        }
        Assert.NotEqual(entriesBefore, entries);
    }

    private static SharedWeightForm Form(float[] codebook, bool holdZero)
    {
        var indices = TensorData.Create<byte>("indices", [Inputs, Outputs], new byte[Inputs * Outputs]);
        var values = TensorData.Create<float>("codebook", [Size], codebook);
        return new SharedWeightForm(indices, values, Size, _ => 0, holdZero);
    }

    /// <summary>Σⱼ (tⱼ − wⱼ)ᵀ M (tⱼ − wⱼ) over the outputs.</summary>
    private static double Error(double[] weights, Matrix<double> target, Matrix<double> metric, ProductLayout layout)
    {
        double total = 0;
        for (var j = 0; j < Outputs; j++)
        {
            var d = Vector<double>.Build.Dense(Inputs, k => target[k, j] - weights[layout.Flat(j, k)]);
            total += d * (metric * d);
        }
        return total;
    }
}
