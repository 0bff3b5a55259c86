using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

internal enum ResizeMode { Nearest, Linear, Cubic }

/// <summary>How Resize (and Upsample) map output coordinates to input ones and interpolate between them.</summary>
internal sealed record ResizeOptions(
    ResizeMode Mode,
    string CoordinateMode,
    string NearestMode,
    double CubicA = -0.75,
    bool ExcludeOutside = false,
    double Extrapolation = 0,
    double[]? Roi = null,
    bool Antialias = false);

/// <summary>
/// The interpolation of Resize and Upsample, separable per axis: each output coordinate of an axis reads a few input
/// coordinates (1 for nearest, 2 for linear, 4 for cubic) with weights, and an output element is the sum over every
/// combination of its axes' taps of the product of weights times the input, added in a fixed order. Coordinates are
/// computed in double from the scale (output/input when sizes are given), as ONNX's reference implementation does.
/// </summary>
internal static class ResizeCore
{
    /// <summary>"simple" nearest rounding of opset 10 Resize and Upsample: floor when enlarging, ceil when shrinking.</summary>
    public const string SimpleNearest = "simple";

    public static void Run(KernelContext context, Tensor input, int[] shape, double[] scales, ResizeOptions options)
    {
        var rank = input.Rank;
        var output = context.Allocate(input.ElementType, shape);
        if (output.Length == 0 || rank == 0)
        {
            if (rank == 0) Array.Copy(input.Data, output.Data, 1);
            context.SetOutput(0, output);
            return;
        }
        if (input.Length == 0) throw context.Fail("cannot resize an empty tensor to a non-empty one");
        if (options.Mode == ResizeMode.Nearest)
        {
            var maps = new int[rank][];
            for (var d = 0; d < rank; d++)
            {
                maps[d] = new int[shape[d]];
                for (var j = 0; j < shape[d]; j++)
                    maps[d][j] = NearestIndex(Original(j, d, input.Shape[d], shape[d], scales[d], options), input.Shape[d], scales[d], options);
            }
            var fill = TensorValues.ScalarArray(input.ElementType, options.Extrapolation);
            ElementDispatch.Run(input.Data, output.Data, new Pad.MappedGather(maps, ShapeMath.Strides(input.Shape), shape, fill));
        }
        else
        {
            var taps = new AxisTaps[rank];
            var strides = ShapeMath.Strides(input.Shape);
            for (var d = 0; d < rank; d++) taps[d] = AxisTaps.Build(d, input.Shape[d], shape[d], scales[d], strides[d], options);
            switch (input.Data)
            {
                case float[] x: Interpolate<float, FloatBridge>(x, (float[])output.Data, shape, taps, options.Extrapolation, context.Parallelism); break;
                case double[] x: Interpolate<double, DoubleBridge>(x, (double[])output.Data, shape, taps, options.Extrapolation, context.Parallelism); break;
                case Half[] x: Interpolate<Half, HalfBridge>(x, (Half[])output.Data, shape, taps, options.Extrapolation, context.Parallelism); break;
                default: throw context.Fail($"{options.Mode} resize of {input.ElementType} is not supported");
            }
        }
        context.SetOutput(0, output);
    }

    /// <summary>The input coordinate an output coordinate maps to, by the coordinate transformation mode.</summary>
    private static double Original(int j, int axis, int inSize, int outSize, double scale, ResizeOptions options)
    {
        // The resized length is input · scale before flooring, as in ONNX's reference (it matters for align_corners
        // when scale · input is not whole).
        var resized = inSize * scale;
        switch (options.CoordinateMode)
        {
            case "half_pixel": return (j + 0.5) / scale - 0.5;
            case "pytorch_half_pixel": return resized > 1 ? (j + 0.5) / scale - 0.5 : 0;
            case "half_pixel_symmetric":
                // Centres the resized image on the input's centre when the extent was rounded down from in · scale.
                var adjustment = outSize / resized;
                return inSize / 2.0 * (1 - adjustment) + (j + 0.5) / scale - 0.5;
            case "align_corners": return resized == 1 ? 0 : j * (double)(inSize - 1) / (resized - 1);
            case "asymmetric": return j / scale;
            case "tf_half_pixel_for_nn": return (j + 0.5) / scale;
            case "tf_crop_and_resize":
                // In float, as ONNX Runtime computes it: whether a sample lands just inside or outside the input (and
                // so reads the extrapolation value) is decided by float rounding at the border.
                var roi = options.Roi!;
                var start = (float)roi[axis];
                var end = (float)roi[axis + roi.Length / 2];
                var last = (float)(inSize - 1);
                var length = (float)resized;
                return length > 1
                    ? start * last + j * (end - start) * last / (length - 1)
                    : 0.5f * (start + end) * last;
            default: throw new ArgumentException($"coordinate_transformation_mode '{options.CoordinateMode}' is not supported");
        }
    }

    private static bool Outside(double x, int inSize, ResizeOptions options) =>
        options.CoordinateMode == "tf_crop_and_resize" && (x < 0 || x > inSize - 1);

    private static int NearestIndex(double x, int inSize, double scale, ResizeOptions options)
    {
        if (Outside(x, inSize, options)) return -1;
        var floor = Math.Floor(x);
        double rounded = options.NearestMode switch
        {
            "round_prefer_floor" => x - floor == 0.5 ? floor : Math.Round(x, MidpointRounding.AwayFromZero),
            "round_prefer_ceil" => x - floor == 0.5 ? floor + 1 : Math.Round(x, MidpointRounding.AwayFromZero),
            "floor" => floor,
            "ceil" => Math.Ceiling(x),
            SimpleNearest => scale < 1 ? Math.Ceiling(x) : floor,
            _ => throw new ArgumentException($"nearest_mode '{options.NearestMode}' is not supported"),
        };
        return (int)Math.Clamp(rounded, 0, inSize - 1);
    }

    /// <summary>One axis's taps: for output coordinate j, Count (offset, weight) pairs at [j·Count, (j+1)·Count).</summary>
    private sealed class AxisTaps
    {
        public int Count;
        public int[] Offsets = [];
        public double[] Weights = [];
        public bool[] Outside = [];

        public static AxisTaps Build(int axis, int inSize, int outSize, double scale, int stride, ResizeOptions options)
        {
            if (options.Antialias) return BuildAntialias(axis, inSize, outSize, scale, stride, options);
            var k = options.Mode == ResizeMode.Linear ? 2 : 4;
            var taps = new AxisTaps { Offsets = new int[outSize * k], Weights = new double[outSize * k], Outside = new bool[outSize] };
            var identity = inSize == outSize;
            var coefficients = new double[k];
            for (var j = 0; j < outSize; j++)
            {
                var x = Original(j, axis, inSize, outSize, scale, options);
                taps.Outside[j] = Outside(x, inSize, options);
                var xi = Math.Floor(x);
                var t = x - xi;
                identity &= t == 0 && xi == j;
                var first = (long)xi - (k == 2 ? 0 : 1);
                if (k == 2)
                {
                    coefficients[0] = 1 - t;
                    coefficients[1] = t;
                }
                else Cubic(t, options.CubicA, coefficients);
                if (options.ExcludeOutside)
                {
                    double sum = 0;
                    for (var i = 0; i < k; i++)
                    {
                        var p = first + i;
                        if (p < 0 || p >= inSize) coefficients[i] = 0;
                        sum += coefficients[i];
                    }
                    for (var i = 0; i < k; i++) coefficients[i] = sum == 0 ? 0 : coefficients[i] / sum;
                }
                for (var i = 0; i < k; i++)
                {
                    taps.Offsets[j * k + i] = (int)Math.Clamp(first + i, 0, inSize - 1) * stride;
                    taps.Weights[j * k + i] = coefficients[i];
                }
            }
            taps.Count = k;
            if (identity)
            {
                // An axis that is not resized reads itself with weight 1; one tap keeps the inner loops short.
                taps.Count = 1;
                taps.Offsets = Enumerable.Range(0, outSize).Select(j => j * stride).ToArray();
                taps.Weights = Enumerable.Repeat(1.0, outSize).ToArray();
            }
            return taps;
        }

        /// <summary>
        /// Antialiased taps (ONNX Runtime's scheme, after Pillow's): the filter (triangle of half-width 1, or Keys' cubic
        /// of half-width 2) is stretched by 1/scale when shrinking, centred on the mapped coordinate + 0.5, evaluated at
        /// every input pixel centre it covers, and its weights normalised to sum 1; pixels past either end read the edge
        /// pixel (as ONNX Runtime and ONNX's reference do). Outputs with fewer taps than the widest get zero-weight taps,
        /// so every output has Count taps.
        /// </summary>
        private static AxisTaps BuildAntialias(int axis, int inSize, int outSize, double scale, int stride, ResizeOptions options)
        {
            var halfWidth = options.Mode == ResizeMode.Linear ? 1.0 : 2.0;
            var stretch = scale < 1 ? 1 / scale : 1;
            var support = halfWidth * stretch;
            var windows = new (long Min, long Max, double Center)[outSize];
            var count = 1;
            for (var j = 0; j < outSize; j++)
            {
                var center = (scale == 1 ? j : Original(j, axis, inSize, outSize, scale, options)) + 0.5;
                var min = (long)Math.Floor(center - support + 0.5);
                var max = (long)Math.Floor(center + support + 0.5);
                windows[j] = (min, Math.Max(max, min), center);
                count = (int)Math.Max(count, max - min);
            }
            var taps = new AxisTaps { Count = count, Offsets = new int[outSize * count], Weights = new double[outSize * count], Outside = new bool[outSize] };
            var coefficients = new double[4];
            for (var j = 0; j < outSize; j++)
            {
                var (min, max, center) = windows[j];
                double total = 0;
                for (var i = 0; i < count; i++)
                {
                    var p = min + i;
                    double w = 0;
                    if (p < max)
                    {
                        var u = Math.Abs((p - center + 0.5) / stretch);
                        if (options.Mode == ResizeMode.Linear) w = Math.Max(0, 1 - u);
                        else
                        {
                            // Keys' kernel at distance u, from the same polynomials as the plain cubic taps.
                            Cubic(u < 1 ? u : u - 1, options.CubicA, coefficients);
                            w = u < 1 ? coefficients[1] : u < 2 ? coefficients[0] : 0;
                        }
                    }
                    taps.Offsets[j * count + i] = (int)Math.Clamp(p, 0, inSize - 1) * stride;
                    taps.Weights[j * count + i] = w;
                    total += w;
                }
                if (total != 0)
                    for (var i = 0; i < count; i++) taps.Weights[j * count + i] /= total;
            }
            return taps;
        }

        /// <summary>Keys' cubic convolution weights for the taps at floor(x)-1 .. floor(x)+2, t = x - floor(x).</summary>
        private static void Cubic(double t, double a, double[] c)
        {
            var s = t + 1;
            c[0] = ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
            c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
            var u = 1 - t;
            c[2] = ((a + 2) * u - (a + 3)) * u * u + 1;
            var v = 2 - t;
            c[3] = ((a * v - 5 * a) * v + 8 * a) * v - 4 * a;
        }
    }

    private interface IBridge<T>
    {
        static abstract double Widen(T value);

        static abstract T Narrow(double value);
    }

    private struct FloatBridge : IBridge<float>
    {
        public static double Widen(float value) => value;

        public static float Narrow(double value) => (float)value;
    }

    private struct DoubleBridge : IBridge<double>
    {
        public static double Widen(double value) => value;

        public static double Narrow(double value) => value;
    }

    private struct HalfBridge : IBridge<Half>
    {
        public static double Widen(Half value) => (double)value;

        public static Half Narrow(double value) => (Half)value;
    }

    private static void Interpolate<T, TBridge>(T[] x, T[] y, int[] shape, AxisTaps[] taps, double extrapolationValue,
        Parallelism parallelism)
        where TBridge : struct, IBridge<T>
    {
        var rank = shape.Length;
        var inner = shape[rank - 1];
        var rows = ShapeMath.ElementCount(shape) / inner;
        // Blocks of whole output rows are independent: each element is computed the same way whichever thread runs it.
        var rowsPerBlock = Math.Max(1, 8192 / inner);
        var blocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
        parallelism.For(blocks, b => InterpolateRows<T, TBridge>(x, y, shape, taps, extrapolationValue, b * rowsPerBlock,
            Math.Min(rows, (b + 1) * rowsPerBlock)), (long)rowsPerBlock * inner * 4);
    }

    private static void InterpolateRows<T, TBridge>(T[] x, T[] y, int[] shape, AxisTaps[] taps, double extrapolationValue,
        int firstRow, int endRow)
        where TBridge : struct, IBridge<T>
    {
        var extrapolation = TBridge.Narrow(extrapolationValue);
        var rank = shape.Length;
        var last = taps[rank - 1];
        var inner = shape[rank - 1];
        var combos = 1;
        for (var d = 0; d < rank - 1; d++) combos *= taps[d].Count;
        var offsets = new int[combos];
        var weights = new double[combos];
        var index = new int[rank - 1];
        for (int d = rank - 2, rest = firstRow; d >= 0; d--)
        {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        var lastOutside = Array.IndexOf(last.Outside, true) >= 0;
        var o = firstRow * inner;
        for (var r = firstRow; r < endRow; r++)
        {
            // The combinations of the outer axes' taps for this row, in a fixed (row-major) order.
            var n = 1;
            offsets[0] = 0;
            weights[0] = 1;
            var outside = false;
            for (var d = 0; d < rank - 1; d++)
            {
                var t = taps[d];
                var j = index[d];
                outside |= t.Outside[j];
                for (var c = n - 1; c >= 0; c--)
                    for (var k = t.Count - 1; k >= 0; k--)
                    {
                        offsets[c * t.Count + k] = offsets[c] + t.Offsets[j * t.Count + k];
                        weights[c * t.Count + k] = weights[c] * t.Weights[j * t.Count + k];
                    }
                n *= t.Count;
            }
            if (!outside && !lastOutside && last.Count == 2)
            {
                // The common linear case, with the same operations in the same order as the general loop below.
                var lo = last.Offsets;
                var lw = last.Weights;
                for (var j = 0; j < inner; j++, o++)
                {
                    double w0 = lw[2 * j], w1 = lw[2 * j + 1];
                    int p0 = lo[2 * j], p1 = lo[2 * j + 1];
                    double acc = 0;
                    for (var c = 0; c < n; c++)
                    {
                        var b = offsets[c];
                        double sum = 0;
                        sum += w0 * TBridge.Widen(x[b + p0]);
                        sum += w1 * TBridge.Widen(x[b + p1]);
                        acc += weights[c] * sum;
                    }
                    y[o] = TBridge.Narrow(acc);
                }
            }
            else
            for (var j = 0; j < inner; j++, o++)
            {
                if (outside || last.Outside[j])
                {
                    y[o] = extrapolation;
                    continue;
                }
                double acc = 0;
                for (var c = 0; c < n; c++)
                {
                    double sum = 0;
                    for (var k = 0; k < last.Count; k++)
                        sum += last.Weights[j * last.Count + k] * TBridge.Widen(x[offsets[c] + last.Offsets[j * last.Count + k]]);
                    acc += weights[c] * sum;
                }
                y[o] = TBridge.Narrow(acc);
            }
            for (var d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
    }
}
