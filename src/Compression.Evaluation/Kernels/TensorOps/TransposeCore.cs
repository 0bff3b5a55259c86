using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Permutes the axes of a row-major array (Transpose, DepthToSpace, SpaceToDepth). The permutation is first
/// simplified: axes of extent 1 are dropped and axes that stay neighbours are merged, so NCHW→NHWC becomes a batch
/// of [C, HW] matrix transposes, done in cache-sized tiles; a permutation that keeps the innermost axis copies runs.
/// </summary>
internal static class TransposeCore
{
    private const int Tile = 32;

    public static int[] OutputShape(ReadOnlySpan<int> shape, ReadOnlySpan<int> perm)
    {
        var result = new int[perm.Length];
        for (var i = 0; i < perm.Length; i++) result[i] = shape[perm[i]];
        return result;
    }

    public static void Run(Array source, int[] shape, int[] perm, Array destination)
    {
        var (dims, p) = Simplify(shape, perm);
        ElementDispatch.Run(source, destination, new Move(dims, p));
    }

    /// <summary>Drops extent-1 axes and merges axes that are adjacent in both orders.</summary>
    internal static (int[] Shape, int[] Perm) Simplify(int[] shape, int[] perm)
    {
        var keep = new List<int>();
        for (var i = 0; i < perm.Length; i++)
            if (shape[perm[i]] != 1) keep.Add(perm[i]);
        // Renumber the remaining input axes densely.
        var kept = keep.Order().ToArray();
        var rank = new Dictionary<int, int>();
        for (var i = 0; i < kept.Length; i++) rank[kept[i]] = i;
        var dims = kept.Select(a => shape[a]).ToList();
        var p = keep.Select(a => rank[a]).ToList();
        // Merge output-adjacent axes that are also input-adjacent (p[i+1] == p[i] + 1).
        for (var i = p.Count - 2; i >= 0; i--)
        {
            if (p[i + 1] != p[i] + 1) continue;
            var a = p[i];
            dims[a] *= dims[a + 1];
            dims.RemoveAt(a + 1);
            p.RemoveAt(i + 1);
            for (var j = 0; j < p.Count; j++) if (p[j] > a) p[j]--;
        }
        return (dims.ToArray(), p.ToArray());
    }

    private readonly struct Move(int[] shape, int[] perm) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            var rank = perm.Length;
            var total = ShapeMath.ElementCount(shape);
            if (total == 0) return;
            if (rank <= 1 || IsIdentity(perm))
            {
                Array.Copy(source, destination, total);
                return;
            }
            var inStrides = ShapeMath.Strides(shape);
            var outShape = OutputShape(shape, perm);
            if (perm[rank - 1] == rank - 1)
            {
                CopyRuns(source, destination, inStrides, outShape);
                return;
            }
            if (rank - 2 == perm[rank - 1] && perm[rank - 2] == rank - 1 && IsIdentity(perm.AsSpan(0, rank - 2)))
            {
                var rows = shape[rank - 2];
                var cols = shape[rank - 1];
                var batches = total / (rows * cols);
                for (var b = 0; b < batches; b++)
                    TransposeMatrix(source.AsSpan(b * rows * cols, rows * cols), destination.AsSpan(b * rows * cols, rows * cols), rows, cols);
                return;
            }
            General(source, destination, inStrides, outShape);
        }

        private void CopyRuns<T>(T[] source, T[] destination, int[] inStrides, int[] outShape)
        {
            var rank = perm.Length;
            var inner = outShape[rank - 1];
            var outer = ShapeMath.ElementCount(outShape) / inner;
            var index = new int[rank - 1];
            var offset = 0;
            for (var run = 0; run < outer; run++)
            {
                Array.Copy(source, offset, destination, run * inner, inner);
                Advance(index, outShape, inStrides, ref offset);
            }
        }

        private void General<T>(T[] source, T[] destination, int[] inStrides, int[] outShape)
        {
            var rank = perm.Length;
            var inner = outShape[rank - 1];
            var step = inStrides[perm[rank - 1]];
            var outer = ShapeMath.ElementCount(outShape) / inner;
            var index = new int[rank - 1];
            var offset = 0;
            var o = 0;
            for (var run = 0; run < outer; run++)
            {
                for (int i = 0, s = offset; i < inner; i++, s += step) destination[o++] = source[s];
                Advance(index, outShape, inStrides, ref offset);
            }
        }

        /// <summary>Steps the output multi-index over all but the last axis, keeping the input offset in step.</summary>
        private void Advance(int[] index, int[] outShape, int[] inStrides, ref int offset)
        {
            for (var axis = index.Length - 1; axis >= 0; axis--)
            {
                var stride = inStrides[perm[axis]];
                index[axis]++;
                offset += stride;
                if (index[axis] < outShape[axis]) return;
                offset -= stride * outShape[axis];
                index[axis] = 0;
            }
        }

        private static void TransposeMatrix<T>(ReadOnlySpan<T> source, Span<T> destination, int rows, int cols)
        {
            // Tiles keep both the rows read and the rows written in cache.
            for (var r0 = 0; r0 < rows; r0 += Tile)
            {
                var r1 = Math.Min(rows, r0 + Tile);
                for (var c0 = 0; c0 < cols; c0 += Tile)
                {
                    var c1 = Math.Min(cols, c0 + Tile);
                    for (var c = c0; c < c1; c++)
                    {
                        var d = c * rows;
                        for (var r = r0; r < r1; r++) destination[d + r] = source[r * cols + c];
                    }
                }
            }
        }

        private static bool IsIdentity(ReadOnlySpan<int> p)
        {
            for (var i = 0; i < p.Length; i++) if (p[i] != i) return false;
            return true;
        }
    }
}
