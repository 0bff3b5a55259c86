using Compression.Engine.LowRank;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Tests.LowRank;

/// <summary>
/// The refit's sums for a layer with more outputs than inputs, kept in A's column space, against the same sums kept
/// over every output: the data's optimal basis and every error must agree.
/// </summary>
public class RefitStatisticsTests
{
    [Fact]
    public void A_wide_layer_kept_in_its_column_space_gives_the_basis_and_errors_of_the_full_output_gram()
    {
        var random = new Random(7);
        Matrix<double> Random(int rows, int columns) => Matrix<double>.Build.Dense(rows, columns, (_, _) => random.NextDouble() - 0.5);
        var (outputs, inputs, rank) = (300, 24, 6);
        var a = Random(outputs, inputs);
        var first = Random(rank, inputs);
        var space = RefitStatistics.OutputSpaceOf(a);
        Assert.NotNull(space);
        Assert.Equal((outputs, inputs), (space.RowCount, space.ColumnCount));
        var (full, projected) = (new RefitStatistics(), new RefitStatistics(space));
        for (var sample = 0; sample < 3; sample++)
        {
            var x = Random(50, inputs);
            var (h, y) = (x * first.Transpose(), x * a.Transpose());
            full.Add(h, y);
            projected.Add(h, y);
        }
        Assert.Equal(full.Signal, projected.Signal, 1e-9);

        var (expected, actual) = (full.OutputBasis(rank), projected.OutputBasis(rank));
        Assert.Equal((outputs, rank), (actual.RowCount, actual.ColumnCount));
        // Eigenvectors are unique up to sign (the spectrum of random data is simple): compare the projectors.
        var difference = (expected * expected.Transpose()) - (actual * actual.Transpose());
        Assert.True(difference.FrobeniusNorm() < 1e-8, $"projectors differ by {difference.FrobeniusNorm()}");
        Assert.Equal(full.ProjectionError(expected), projected.ProjectionError(actual), 1e-8 * full.Signal);
        Assert.True(projected.ProjectionError(actual) < 0.9 * full.Signal, "the leading basis must keep some of the signal");

        var prior = Random(rank, outputs);
        Assert.Equal(full.SecondFactorError(prior), projected.SecondFactorError(prior), 1e-8 * full.Signal);
    }

    [Fact]
    public void A_layer_with_no_more_outputs_than_inputs_keeps_the_output_gram_itself()
    {
        Assert.Null(RefitStatistics.OutputSpaceOf(Matrix<double>.Build.Dense(16, 16, 1)));
        Assert.Null(RefitStatistics.OutputSpaceOf(Matrix<double>.Build.Dense(8, 16, 1)));
    }
}
