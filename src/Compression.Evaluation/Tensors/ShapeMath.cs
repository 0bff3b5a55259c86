namespace Compression.Evaluation.Tensors;

/// <summary>Element counts, strides and broadcasting over int shapes, shared by kernels and shape inference.</summary>
public static class ShapeMath
{
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d}");
            count *= d;
            if (count > Array.MaxLength) throw new ArgumentException($"shape has more than {Array.MaxLength} elements");
        }
        return (int)count;
    }

    /// <summary>Row-major strides: the step in the flat array for one step along each axis.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        var step = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = step;
            step *= shape[i];
        }
        return strides;
    }

    /// <summary>NumPy-style multidirectional broadcast of two shapes, or null when they do not broadcast.</summary>
    public static int[]? Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) return null;
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>An axis that may count from the end (negative), checked against the rank.</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1)) throw new ArgumentException($"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
