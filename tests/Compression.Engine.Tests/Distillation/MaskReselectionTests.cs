using Compression.Engine.Distillation;

namespace Compression.Engine.Tests.Distillation;

/// <summary>
/// The sweep's mask choice (SparseGPT's w²/[H⁻¹]ᵢᵢ within a window): unstructured sparsity may move between rows,
/// the group's count held; N:M holds each row's count.
/// </summary>
public class MaskReselectionTests
{
    // With U = I every column costs the same, so the choice follows |w|.
    private static double[,] Identity(int n)
    {
        var u = new double[n, n];
        for (var i = 0; i < n; i++) u[i, i] = 1;
        return u;
    }

    [Fact]
    public void Across_rows_the_window_prunes_the_cheapest_elements_of_the_group_and_holds_its_count()
    {
        double[][] w = [[5, 6, 7, 8, 0.5, 0.1], [0.4, 0.3, 0.2, 0.1, 9, 9]];
        // Two pruned per row in the first window (columns 0-3), where row 1's weights are all smaller than row 0's.
        bool[][] mask = [[true, true, false, false, false, false], [false, false, true, true, false, false]];

        LayerFit.ReselectAcrossRows(w, mask, Identity(6), 0, 4);

        Assert.Equal([false, false, false, false, false, false], mask[0]);
        Assert.Equal([true, true, true, true, false, false], mask[1]);
    }

    [Fact]
    public void Costs_are_weighted_by_the_inverse_hessian_diagonal()
    {
        double[][] w = [[1, 2], [1, 2]];
        bool[][] mask = [[true, false], [true, false]];
        var u = Identity(2);
        // Column 1's [H⁻¹]₁₁ is large (its input is nearly redundant): removing its weights costs less than column 0's.
        u[1, 1] = 10;

        LayerFit.ReselectAcrossRows(w, mask, u, 0, 2);

        Assert.Equal([false, true], mask[0]);
        Assert.Equal([false, true], mask[1]);
    }

    [Fact]
    public void Within_a_row_the_count_of_the_row_is_held()
    {
        double[] w = [0.4, 0.3, 5, 6];
        bool[] mask = [false, false, true, true];

        LayerFit.Reselect(w, mask, Identity(4), 0, 4);

        Assert.Equal([true, true, false, false], mask);
    }
}
