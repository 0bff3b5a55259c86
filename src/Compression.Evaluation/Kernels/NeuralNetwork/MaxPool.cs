using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// MaxPool: 1 (no indices), 8 (optional Indices output, storage_order), 10 (ceil_mode, dilations), 11 (pads wording),
/// 12 (int8/uint8). One kernel serves all; attributes absent from early versions keep their defaults there.
/// The first maximum in window order wins; Indices count over the whole input (batch and channel included), in row-major
/// order or, with storage_order 1, column-major order of the spatial axes.
/// </summary>
internal sealed class MaxPool : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context) => PoolShape.Infer(context, dilations: true, outputs: 2);

    public void Execute(KernelContext context)
    {
        var x = context.Input(0);
        var g = PoolShape.Geometry(context, x, dilations: true);
        var columnMajor = context.Attributes.GetInt("storage_order", 0) != 0;
        int[] shape = [x.Shape[0], x.Shape[1], .. g.OutputDims()];
        var y = context.Allocate(x.ElementType, shape);
        var indices = context.HasOutput(1) ? context.Allocate(DataType.Int64, shape) : null;
        var ids = (long[]?)indices?.Data;
        switch (x.ElementType)
        {
            case DataType.Float when ids is null: RunFloat((float[])x.Data, (float[])y.Data, g, x.Shape[0] * x.Shape[1], context.Parallelism); break;
            case DataType.Float: Run((float[])x.Data, (float[])y.Data, ids, g, x.Shape[0] * x.Shape[1], columnMajor, float.NegativeInfinity, context.Parallelism); break;
            case DataType.Double: Run((double[])x.Data, (double[])y.Data, ids, g, x.Shape[0] * x.Shape[1], columnMajor, double.NegativeInfinity, context.Parallelism); break;
            case DataType.Float16: Run((Half[])x.Data, (Half[])y.Data, ids, g, x.Shape[0] * x.Shape[1], columnMajor, Half.NegativeInfinity, context.Parallelism); break;
            case DataType.Int8: Run((sbyte[])x.Data, (sbyte[])y.Data, ids, g, x.Shape[0] * x.Shape[1], columnMajor, sbyte.MinValue, context.Parallelism); break;
            case DataType.Uint8: Run((byte[])x.Data, (byte[])y.Data, ids, g, x.Shape[0] * x.Shape[1], columnMajor, byte.MinValue, context.Parallelism); break;
            default: throw context.Fail($"element type {x.ElementType} is not supported");
        }
        context.SetOutput(0, y);
        if (indices is not null) context.SetOutput(1, indices);
    }

    /// <summary>
    /// Float without indices: outputs whose window lies wholly inside the row along the last axis are computed eight at
    /// a time, visiting the window in the same order as the generic loop (kernel d, h, w ascending, padded rows skipped)
    /// with the same rule: the first element is taken, then replaced only by a strictly greater one. Max is exact, and
    /// keeping the order and the strict comparison keeps NaN and signed-zero results identical to the scalar loop.
    /// Edge outputs use the scalar loop.
    /// </summary>
    private static void RunFloat(float[] x, float[] y, WindowGeometry g, int planes, Parallelism parallelism)
    {
        int od = g.Output[0], oh = g.Output[1];
        parallelism.For(planes * od * oh, task =>
        {
            var plane = task / (od * oh);
            var row = task % (od * oh);
            FloatRow(x, y, g, plane, row / oh, row % oh);
        }, (long)g.Output[2] * g.KernelSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FloatRow(float[] x, float[] y, WindowGeometry g, int plane, int d, int h)
    {
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int oh = g.Output[1], ow = g.Output[2];
        int kd = g.Kernel[0], kh = g.Kernel[1], kw = g.Kernel[2];
        int stride = g.Stride[2], dilation = g.Dilation[2], pad = g.PadBegin[2];
        var input = new ReadOnlySpan<float>(x, plane * g.InputSize, g.InputSize);
        var output = new Span<float>(y, plane * g.OutputSize + (d * oh + h) * ow, ow);
        // The window rows inside the input, in window order: the same for every output of this row.
        Span<int> rows = stackalloc int[kd * kh];
        var count = 0;
        for (var a = 0; a < kd; a++)
        {
            var pd = d * g.Stride[0] - g.PadBegin[0] + a * g.Dilation[0];
            if ((uint)pd >= (uint)id) continue;
            for (var c = 0; c < kh; c++)
            {
                var ph = h * g.Stride[1] - g.PadBegin[1] + c * g.Dilation[1];
                if ((uint)ph < (uint)ih) rows[count++] = (pd * ih + ph) * iw;
            }
        }
        rows = rows[..count];
        // Outputs whose every window column is inside [0, iw), and whose vector loads stay inside the plane.
        var (lo, _) = WindowGeometry.ValidRange(-pad, stride, iw, ow);
        var (_, hi) = WindowGeometry.ValidRange((kw - 1) * dilation - pad, stride, iw, ow);
        var o = 0;
        if (count > 0)
        {
            for (; o < lo && o < ow; o++) output[o] = ScalarWindow(input, rows, o * stride - pad, kw, dilation, iw);
            var reach = StridedLoad.Reach(stride);
            for (; o + 8 <= hi; o += 8)
            {
                var first = o * stride - pad;
                if (rows[^1] + first + (kw - 1) * dilation + reach > input.Length) break;
                var best = StridedLoad.Load(input, rows[0] + first, stride);
                for (var r = 0; r < rows.Length; r++)
                    for (var e = r == 0 ? 1 : 0; e < kw; e++)
                    {
                        var v = StridedLoad.Load(input, rows[r] + first + e * dilation, stride);
                        best = Vector256.ConditionalSelect(Vector256.GreaterThan(v, best), v, best);
                    }
                best.CopyTo(output.Slice(o, 8));
            }
        }
        for (; o < ow; o++) output[o] = count == 0 ? float.NegativeInfinity : ScalarWindow(input, rows, o * stride - pad, kw, dilation, iw);
    }

    /// <summary>One output by the generic rule, over the given window rows and the columns inside the row.</summary>
    private static float ScalarWindow(ReadOnlySpan<float> input, ReadOnlySpan<int> rows, int first, int kw, int dilation, int iw)
    {
        var best = float.NegativeInfinity;
        var found = false;
        foreach (var row in rows)
            for (var e = 0; e < kw; e++)
            {
                var pw = first + e * dilation;
                if ((uint)pw >= (uint)iw) continue;
                var v = input[row + pw];
                if (!found || v > best) { best = v; found = true; }
            }
        return best;
    }

    private static void Run<T>(T[] x, T[] y, long[]? indices, WindowGeometry g, int planes, bool columnMajor, T lowest, Parallelism parallelism)
        where T : INumber<T>
    {
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        parallelism.For(planes, plane =>
        {
            var xOffset = plane * g.InputSize;
            var yOffset = plane * g.OutputSize;
            for (var d = 0; d < od; d++)
                for (var h = 0; h < oh; h++)
                    for (var w = 0; w < ow; w++)
                    {
                        var best = lowest;
                        int bd = -1, bh = -1, bw = -1;
                        for (var a = 0; a < g.Kernel[0]; a++)
                        {
                            var pd = d * g.Stride[0] - g.PadBegin[0] + a * g.Dilation[0];
                            if ((uint)pd >= (uint)id) continue;
                            for (var c = 0; c < g.Kernel[1]; c++)
                            {
                                var ph = h * g.Stride[1] - g.PadBegin[1] + c * g.Dilation[1];
                                if ((uint)ph >= (uint)ih) continue;
                                var row = xOffset + (pd * ih + ph) * iw;
                                for (var e = 0; e < g.Kernel[2]; e++)
                                {
                                    var pw = w * g.Stride[2] - g.PadBegin[2] + e * g.Dilation[2];
                                    if ((uint)pw >= (uint)iw) continue;
                                    var v = x[row + pw];
                                    if (bd < 0 || v > best) { best = v; bd = pd; bh = ph; bw = pw; }
                                }
                            }
                        }
                        var o = yOffset + (d * oh + h) * ow + w;
                        y[o] = best;
                        if (indices is not null)
                            indices[o] = bd < 0 ? -1
                                : (long)plane * g.InputSize + (columnMajor ? bd + (long)bh * id + (long)bw * id * ih : ((long)bd * ih + bh) * iw + bw);
                    }
        }, (long)g.OutputSize * g.KernelSize);
    }
}
