namespace Compression.Engine.Distillation;

/// <summary>
/// A layer's weight seen as the matrix its product multiplies: one row per output channel, one column per element of
/// the reduction (a Conv's C/g·kh·kw in the weight's own order, which is the order of its im2col patch; a MatMul's or
/// Gemm's K), rows split into <see cref="Groups"/> equal blocks that each read their own input channels. <see cref="Flat"/>
/// says where element (row, column) sits in the weight tensor, so every weight form is read and written through it.
/// </summary>
internal sealed class ProductLayout
{
    private readonly int _rowStride, _columnStride;

    private ProductLayout(int rows, int columns, int groups, int rowStride, int columnStride) =>
        (Rows, Columns, Groups, _rowStride, _columnStride) = (rows, columns, groups, rowStride, columnStride);

    public int Rows { get; }

    /// <summary>Columns per row (a group's reduction).</summary>
    public int Columns { get; }

    public int Groups { get; }

    public int RowsPerGroup => Rows / Groups;

    public int Flat(int row, int column) => (row * _rowStride) + (column * _columnStride);

    /// <summary>Conv W [M, C/g, k…]: rows are filters, each C/g·k… contiguous.</summary>
    public static ProductLayout Conv(long[] dims, int groups)
    {
        var columns = checked((int)dims.Skip(1).Aggregate(1L, (a, d) => a * d));
        return new ProductLayout(checked((int)dims[0]), columns, groups, columns, 1);
    }

    /// <summary>B [K, N] (MatMul, Gemm): row n runs down column n.</summary>
    public static ProductLayout KByN(long[] dims) => new(checked((int)dims[1]), checked((int)dims[0]), 1, 1, checked((int)dims[1]));

    /// <summary>B [N, K] (Gemm with transB): row n is row n.</summary>
    public static ProductLayout NByK(long[] dims) => new(checked((int)dims[0]), checked((int)dims[1]), 1, checked((int)dims[1]), 1);
}
