using System.Buffers;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>The depthwise → 1×1 pair of a MobileNet block run as one kernel, band by band.</summary>
internal static class DepthwisePointwisePair
{
    /// <summary>Output floats of one band of a depthwise + 1×1 pair: the depthwise rows of all channels stay in L2.</summary>
    private const int BandFloats = 65536;

    /// <summary>
    /// A 1×1 Conv and the depthwise Conv producing its input (paired at plan time by <see cref="Fusion.DepthwisePairing"/>)
    /// computed band by band: the depthwise output rows [h0, h1) of every channel (plus its bias) go into a band buffer,
    /// which is at once the B operand of this node's product for those positions. Each depthwise value is the chain of <see cref="DepthwisePadded"/> and each output
    /// the GEMM's chain over channels, as when the two nodes run apart, so the bits are the same. False (nothing done)
    /// unless both weights are the planned constants, the depthwise fits the padded kernel, this node is pointwise with
    /// group 1, and the epilogue (if any) fits.
    /// </summary>
    public static bool TryRun(KernelContext context, PreludeBinding prelude)
    {
        if (prelude.Inputs is not [{ ElementType: DataType.Float, Rank: 4 } x, { } wd, ..]) return false;
        var bd = prelude.Inputs.Length > 2 ? prelude.Inputs[2] : null;
        if (prelude.Prepared is not PreparedConv dws || !ReferenceEquals(dws.Weight, wd) || !dws.FiniteWeights) return false;
        int batch = x.Shape[0], channels = x.Shape[1], middle = wd.Shape[0];
        if (dws.Group != channels || middle % channels != 0 || wd.Shape[1] != 1) return false;
        if (bd is not null && (bd.ElementType != DataType.Float || bd.Length != middle)) return false;
        var gd = dws.Geometry(x.Shape.AsSpan(2));
        if (!DepthwisePadded.Fits(gd)) return false;
        var w = context.Input(1);
        var bias = context.OptionalInput(2);
        if (context.Prepared is not PreparedConv pws || !ReferenceEquals(pws.Weight, w) || pws.Group != 1 || pws.Packed is not { } packed) return false;
        if (w.Shape[1] != middle || w.Rank != 4) return false;
        if (bias is not null && (bias.ElementType != DataType.Float || bias.Length != w.Shape[0])) return false;
        int oh = gd.Output[1], ow = gd.Output[2], filters = w.Shape[0];
        if (!pws.Geometry([oh, ow]).IsPointwise) return false;
        int[] shape = [batch, filters, oh, ow];
        if (context.Epilogue is { } e && !e.Epilogue.Fits(shape, e.Externals)) return false;
        var own = prelude.Epilogue;
        if (own is not null && (own.Externals.Length > 0 || !own.Epilogue.Fits([batch, middle, oh, ow], own.Externals))) return false;
        var epilogue = context.Epilogue;

        var y = context.Allocate(DataType.Float, shape);
        var ys = (float[])y.Data;
        var externals = epilogue is null ? [] : new float[epilogue.Externals.Length][];
        for (var i = 0; i < externals.Length; i++) externals[i] = (float[])epilogue!.Externals[i].Data;
        var post = new ConvOutputStore((float[]?)bias?.Data, epilogue?.Epilogue, externals, ys, oh * ow, filters);
        var positions = oh * ow;
        var bandRows = Math.Clamp(BandFloats / Math.Max(1, middle * ow), 1, Math.Max(1, oh));
        var bands = (oh + bandRows - 1) / bandRows;
        var multiplier = middle / channels;
        var xs = (float[])x.Data;
        var wds = (float[])wd.Data;
        var bds = (float[]?)bd?.Data;
        var serial = new Parallelism(1);
        if (positions > 0)
            context.Parallelism.For(batch * bands, task =>
            {
                var n = task / bands;
                var h0 = task % bands * bandRows;
                var h1 = Math.Min(oh, h0 + bandRows);
                var cols = (h1 - h0) * ow;
                var band = ArrayPool<float>.Shared.Rent(middle * cols);
                try
                {
                    // The depthwise's bias and own fused nodes per channel row, as its unpaired store does per plane.
                    var depthwiseStore = new ConvOutputStore(bds, own?.Epilogue, [], band, cols, middle);
                    for (var m = 0; m < middle; m++)
                    {
                        DepthwisePadded.Rows(xs, (n * channels + m / multiplier) * gd.InputSize, wds, m * gd.KernelSize, band, m * cols, h0, h1, gd);
                        depthwiseStore.Row(m * cols, cols);
                    }
                    var yOffset = n * filters * positions + h0 * ow;
                    GemmCore.MultiplyPackingB(packed.Packed, 0, band, 0, cols, filters, cols, middle, ys, yOffset, positions, serial,
                        post.IsEmpty ? null : (row, from, to) => post.Row(yOffset + row * positions + from, to - from));
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(band);
                }
            }, (long)bandRows * ow * (middle * gd.KernelSize + filters * middle));
        context.EpilogueApplied = epilogue is not null;
        context.SetOutput(0, y);
        return true;
    }
}
