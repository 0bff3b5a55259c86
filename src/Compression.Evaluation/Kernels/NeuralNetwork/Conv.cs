using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork;

/// <summary>
/// Conv (versions 1 and 11; they differ only in wording): float convolution over 1, 2 or 3 spatial axes with groups,
/// strides, dilations, explicit or automatic pads and an optional bias.
/// <para>
/// Grouped and ordinary convolutions run as a matrix product per image and group: weights [M/g, C/g·k] times the
/// im2col matrix [C/g·k, output positions], written straight into the packed layout of <see cref="GemmCore"/>; a 1×1
/// convolution at stride 1 packs its input directly. Constant weights are packed once per plan (<see cref="Prepare"/>).
/// Depthwise convolutions (one input channel per group) run a direct loop. In both paths an output element is
/// fma-accumulated over (input channel, kernel d, h, w) in ascending order from zero (the direct path skips padded
/// positions, whose products are exactly zero), then the bias is added, then any fused elementwise nodes run on the
/// row (<see cref="Epilogue"/>: the unfused kernels' exact operations, so the bits do not change).
/// </para>
/// </summary>
internal sealed class Conv : IKernel, IPreparedKernel
{
    /// <summary>Constant weights packed into <see cref="GemmCore"/>'s A layout once per plan, one block per group.</summary>
    private sealed record PackedWeights(float[] Packed, int GroupSize);

    /// <summary>
    /// What a node with constant weights resolves once per plan: its attributes and window, the packed weights, the
    /// transposed weights of a 1×1 convolution (for one output position, <see cref="Gemv"/>), whether depthwise weights
    /// are all finite (<see cref="DepthwisePadded"/>), and the geometry of the last input size seen.
    /// </summary>
    private sealed class Prepared(Tensor weight, int group, WindowGeometry.Attributes window, PackedWeights? packed, float[]? transposed, bool finite)
    {
        public Tensor Weight { get; } = weight;
        public int Group { get; } = group;
        public WindowGeometry.Attributes Window { get; } = window;
        public PackedWeights? Packed { get; } = packed;
        /// <summary>Weights [k, m] (row kk holds every filter's k-th weight), for 1×1 convolutions of group 1.</summary>
        public float[]? Transposed { get; } = transposed;
        public bool FiniteWeights { get; } = finite;

        /// <summary>The last (input spatial dims, geometry) pair; replaced whole, so concurrent runs see one or the other.</summary>
        private GeometryEntry? _last;

        public WindowGeometry Geometry(ReadOnlySpan<int> spatial)
        {
            if (_last is { } e && spatial.SequenceEqual(e.Spatial)) return e.Geometry;
            var g = WindowGeometry.Create(Window, spatial);
            _last = new GeometryEntry(spatial.ToArray(), g);
            return g;
        }

        private sealed record GeometryEntry(int[] Spatial, WindowGeometry Geometry);
    }

    /// <summary>Largest transposed 1×1 weight kept for <see cref="Gemv"/> (1 M floats): beyond it a single position runs the GEMM.</summary>
    private const int MaxTransposed = 1 << 20;

    public object? Prepare(NodeProto node, int version, IReadOnlyList<Tensor?> constants)
    {
        if (constants.Count < 2 || constants[1] is not { ElementType: DataType.Float, Rank: >= 3 } w) return null;
        var attributes = new NodeAttributes(node);
        var group = (int)attributes.GetInt("group", 1);
        var filters = w.Shape[0];
        if (group < 1 || filters % group != 0) return null;
        var kernel = new long[w.Rank - 2];
        for (var i = 0; i < kernel.Length; i++) kernel[i] = w.Shape[i + 2];
        if (attributes.GetInts("kernel_shape") is { } declared && !declared.AsSpan().SequenceEqual(kernel)) return null;
        WindowGeometry.Attributes window;
        try { window = WindowGeometry.Read(attributes, kernel, m => new KernelException(node, m)); }
        catch (KernelException) { return null; } // reported when the node runs
        var weights = (float[])w.Data;
        if (w.Shape[1] == 1)
        {
            var finite = true;
            foreach (var v in weights) finite &= float.IsFinite(v);
            return new Prepared(w, group, window, null, null, finite);
        }
        var groupFilters = filters / group;
        var k = w.Length / Math.Max(1, filters);
        var size = GemmCore.PackedASize(groupFilters, k);
        var packed = new float[Math.Max(1, size * group)];
        for (var gi = 0; gi < group; gi++)
            GemmCore.PackA(weights, gi * groupFilters * k, k, 1, groupFilters, k, packed.AsSpan(gi * size, size));
        float[]? transposed = null;
        if (group == 1 && k == w.Shape[1] && w.Length <= MaxTransposed)
        {
            var m = Gemv.PaddedFilters(filters);
            transposed = new float[k * m];
            for (var f = 0; f < filters; f++)
                for (var kk = 0; kk < k; kk++) transposed[kk * m + f] = weights[f * k + kk];
        }
        return new Prepared(w, group, window, new PackedWeights(packed, size), transposed, false);
    }

    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var w = context.Input(1);
        var type = x?.ElementType ?? w?.ElementType ?? DataType.Undefined;
        if (x?.Shape is not { Length: >= 3 } xs) return [new ValueInfo(type, null)];
        var kernel = context.Attributes.GetInts("kernel_shape")
            ?? (w?.Shape is { } ws && ws.Skip(2).All(d => d.IsKnown) ? ws.Skip(2).Select(d => d.Value).ToArray() : null);
        var channels = w?.Shape is { Length: > 0 } wShape ? wShape[0] : Dim.Unknown;
        if (kernel is null || kernel.Length != xs.Length - 2)
            return [new ValueInfo(type, [xs[0], channels, .. Enumerable.Repeat(Dim.Unknown, xs.Length - 2)])];
        var geometry = WindowGeometry.Read(context.Attributes, kernel, context.Fail);
        return [new ValueInfo(type, [xs[0], channels, .. WindowGeometry.InferOutput(geometry, xs[2..])])];
    }

    public void Execute(KernelContext context)
    {
        if (context.Prelude is { } prelude)
        {
            // All or nothing: declining leaves no output and the run executes the two nodes one by one.
            context.PreludeApplied = TryWithDepthwise(context, prelude);
            return;
        }
        var x = context.Input(0);
        var w = context.Input(1);
        var bias = context.OptionalInput(2);
        if (x.ElementType != DataType.Float || w.ElementType != DataType.Float)
            throw context.Fail($"element type {x.ElementType} is not supported (float only)");
        if (x.Rank < 3 || x.Rank > 5) throw context.Fail($"input rank {x.Rank} is not supported (1 to 3 spatial axes)");
        if (w.Rank != x.Rank) throw context.Fail($"weight rank {w.Rank} differs from input rank {x.Rank}");
        var state = context.Prepared is Prepared p && ReferenceEquals(p.Weight, w) ? p : null;
        var group = state?.Group ?? checked((int)context.Attributes.GetInt("group", 1));
        int batch = x.Shape[0], channels = x.Shape[1], filters = w.Shape[0];
        if (group < 1 || channels % group != 0 || filters % group != 0)
            throw context.Fail($"group {group} does not divide {channels} input channels and {filters} filters");
        var groupChannels = channels / group;
        var groupFilters = filters / group;
        if (w.Shape[1] != groupChannels)
            throw context.Fail($"weight has {w.Shape[1]} channels per group, input gives {groupChannels}");
        if (bias is not null && (bias.ElementType != DataType.Float || bias.Length != filters))
            throw context.Fail($"bias must be {filters} floats");
        WindowGeometry g;
        if (state is not null)
            g = state.Geometry(x.Shape.AsSpan(2));
        else
        {
            var kernel = context.Attributes.GetInts("kernel_shape") ?? w.Shape[2..].Select(d => (long)d).ToArray();
            if (!kernel.SequenceEqual(w.Shape[2..].Select(d => (long)d)))
                throw context.Fail($"kernel_shape [{string.Join(", ", kernel)}] differs from the weight's {Tensors.ShapeMath.Format(w.Shape)}");
            g = WindowGeometry.Create(WindowGeometry.Read(context.Attributes, kernel, context.Fail), x.Shape.AsSpan(2));
        }

        int[] shape = [batch, filters, .. g.OutputDims()];
        // The fused epilogue is taken only if this run's tensors fit it; deciding before any work lets the run fall back.
        var epilogue = context.Epilogue is { } e && e.Epilogue.Fits(shape, e.Externals) ? e : null;
        var y = context.Allocate(DataType.Float, shape);
        var xs = (float[])x.Data;
        var ys = (float[])y.Data;
        var externals = epilogue is null ? [] : new float[epilogue.Externals.Length][];
        for (var i = 0; i < externals.Length; i++) externals[i] = (float[])epilogue!.Externals[i].Data;
        var post = new Store((float[]?)bias?.Data, epilogue?.Epilogue, externals, ys, g.OutputSize, filters);
        if (y.Length > 0)
        {
            if (groupChannels == 1 && DepthwisePadded.Fits(g) && (state?.FiniteWeights ?? DepthwisePadded.AllFinite((float[])w.Data)))
                DepthwisePadded.Run(xs, (float[])w.Data, post, ys, batch, channels, groupFilters, g, context.Parallelism);
            else if (groupChannels == 1)
                Depthwise(xs, (float[])w.Data, post, ys, batch, channels, groupFilters, g, context.Parallelism);
            else if (state?.Transposed is { } transposed && g.IsPointwise && g.OutputSize == 1)
                for (var n = 0; n < batch; n++)
                    Gemv.Run(transposed, Gemv.PaddedFilters(filters), xs, n * channels, filters, channels, post, ys, n * filters);
            else
                Grouped(xs, w, state?.Packed, post, ys, batch, group, groupChannels, groupFilters, g, context.Parallelism);
        }
        context.EpilogueApplied = epilogue is not null;
        context.SetOutput(0, y);
    }

    /// <summary>Output floats of one band of a depthwise + 1×1 pair: the depthwise rows of all channels stay in L2.</summary>
    private const int BandFloats = 65536;

    /// <summary>
    /// This 1×1 Conv with the depthwise Conv producing its input computed band by band: the depthwise output rows
    /// [h0, h1) of every channel (plus its bias) go into a band buffer, which is at once the B operand of this node's
    /// product for those positions. Each depthwise value is the chain of <see cref="DepthwisePadded"/> and each output
    /// the GEMM's chain over channels, as when the two nodes run apart, so the bits are the same. False (nothing done)
    /// unless both weights are the planned constants, the depthwise fits the padded kernel, this node is pointwise with
    /// group 1, and the epilogue (if any) fits.
    /// </summary>
    private static bool TryWithDepthwise(KernelContext context, PreludeBinding prelude)
    {
        if (prelude.Inputs is not [{ ElementType: DataType.Float, Rank: 4 } x, { } wd, ..]) return false;
        var bd = prelude.Inputs.Length > 2 ? prelude.Inputs[2] : null;
        if (prelude.Prepared is not Prepared dws || !ReferenceEquals(dws.Weight, wd) || !dws.FiniteWeights) return false;
        int batch = x.Shape[0], channels = x.Shape[1], middle = wd.Shape[0];
        if (dws.Group != channels || middle % channels != 0 || wd.Shape[1] != 1) return false;
        if (bd is not null && (bd.ElementType != DataType.Float || bd.Length != middle)) return false;
        var gd = dws.Geometry(x.Shape.AsSpan(2));
        if (!DepthwisePadded.Fits(gd)) return false;
        var w = context.Input(1);
        var bias = context.OptionalInput(2);
        if (context.Prepared is not Prepared pws || !ReferenceEquals(pws.Weight, w) || pws.Group != 1 || pws.Packed is not { } packed) return false;
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
        var post = new Store((float[]?)bias?.Data, epilogue?.Epilogue, externals, ys, oh * ow, filters);
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
                    var depthwiseStore = new Store(bds, own?.Epilogue, [], band, cols, middle);
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

    /// <summary>
    /// What happens to an output row once its sums are final: the bias added (a float add, as before fusion existed),
    /// then the fused epilogue if any. Done per row while the row is still in cache.
    /// </summary>
    internal sealed class Store(float[]? bias, Epilogue? epilogue, float[][] externals, float[] y, int planeSize, int channels)
    {
        /// <summary>Ranges at least this long are split across threads by <see cref="Region"/>.</summary>
        private const int Piece = 4096;

        public bool IsEmpty => bias is null && epilogue is null;

        /// <summary>
        /// y[offset, offset + length), which may span several planes (element i is in channel (i / planeSize) mod
        /// channels, y being [N, channels, planeSize]).
        /// </summary>
        public void Row(int offset, int length)
        {
            if (epilogue is not null)
            {
                // The bias add is the epilogue's first operation on each block.
                epilogue.Apply(y, offset, length, planeSize, channels, externals, bias);
                return;
            }
            if (bias is null) return;
            for (var at = offset; at < offset + length;)
            {
                var to = Math.Min(offset + length, (at / planeSize + 1) * planeSize);
                var row = y.AsSpan(at, to - at);
                var channel = at / planeSize % channels;
                var b = Vector256.Create(bias[channel]);
                var j = 0;
                for (; j + 8 <= row.Length; j += 8) (Vector256.Create<float>(row.Slice(j, 8)) + b).CopyTo(row.Slice(j, 8));
                for (; j < row.Length; j++) row[j] += bias[channel];
                at = to;
            }
        }

        /// <summary>
        /// A whole region at once, in pieces across threads: for short planes or rows, where a call per row would cost
        /// more than its work (the region is still in cache, just computed).
        /// </summary>
        public void Region(int offset, int length, Parallelism parallelism)
        {
            if (IsEmpty) return;
            var pieces = (length + Piece - 1) / Piece;
            parallelism.For(pieces, p => Row(offset + p * Piece, Math.Min(Piece, length - p * Piece)), Piece);
        }
    }

    private static void Grouped(float[] x, Tensor weight, PackedWeights? prepared, Store post, float[] y, int batch, int group, int groupChannels,
        int groupFilters, WindowGeometry g, Parallelism parallelism)
    {
        var k = groupChannels * g.KernelSize;
        var positions = g.OutputSize;
        var inputPlane = g.InputSize;
        var aSize = GemmCore.PackedASize(groupFilters, k);
        var packedA = prepared?.Packed ?? ArrayPool<float>.Shared.Rent(Math.Max(1, aSize * group));
        float[]? packedB = null;
        try
        {
            if (prepared is null)
                for (var gi = 0; gi < group; gi++)
                    GemmCore.PackA((float[])weight.Data, gi * groupFilters * k, k, 1, groupFilters, k, packedA.AsSpan(gi * aSize, aSize));
            var pointwise = g.IsPointwise;
            if (!pointwise && DirectFits(g))
            {
                for (var n = 0; n < batch; n++)
                    for (var gi = 0; gi < group; gi++)
                        Direct(x, (n * group + gi) * groupChannels * inputPlane, groupChannels, packedA, gi * aSize, groupFilters, gi * groupFilters,
                            post, y, (n * group + gi) * groupFilters * positions, g, parallelism);
                return;
            }
            for (var n = 0; n < batch; n++)
                for (var gi = 0; gi < group; gi++)
                {
                    var xOffset = (n * group + gi) * groupChannels * inputPlane;
                    var yOffset = (n * group + gi) * groupFilters * positions;
                    var firstFilter = gi * groupFilters;
                    // Short planes get their bias and epilogue in one region afterwards (a call per plane would cost more than its work).
                    var perRow = positions >= ShortRow;
                    Action<int, int, int>? rowDone = post.IsEmpty || !perRow ? null
                        : (row, from, to) => post.Row(yOffset + row * positions + from, to - from);
                    if (pointwise)
                    {
                        // The input is B as it stands ([C, H·W] row-major): packed block by block while in cache.
                        GemmCore.MultiplyPackingB(packedA, gi * aSize, x, xOffset, inputPlane, groupFilters, positions, k, y, yOffset, positions,
                            parallelism, rowDone);
                    }
                    else
                    {
                        packedB ??= ArrayPool<float>.Shared.Rent(Math.Max(1, GemmCore.PackedBSize(k, positions)));
                        Im2Col.Pack(x, xOffset, groupChannels, g, packedB, parallelism);
                        GemmCore.Multiply(packedA, gi * aSize, packedB, groupFilters, positions, k, y, yOffset, positions, parallelism, rowDone);
                    }
                    if (!perRow) post.Region(yOffset, groupFilters * positions, parallelism);
                }
        }
        finally
        {
            if (prepared is null) ArrayPool<float>.Shared.Return(packedA);
            if (packedB is not null) ArrayPool<float>.Shared.Return(packedB);
        }
    }

    /// <summary>Output rows shorter than this get their bias and epilogue per plane once the plane is done (<see cref="Direct"/>).</summary>
    private const int ShortRow = 64;

    /// <summary>Outputs per filter in one task of <see cref="Direct"/> (whole rows): 4 KiB per filter row band.</summary>
    private const int BandOutputs = 1024;

    /// <summary>Whether <see cref="Direct"/> serves this geometry: 1-D or 2-D, no dilation, stride 1 or 2 along the row.</summary>
    private static bool DirectFits(WindowGeometry g) =>
        g.Kernel[0] == 1 && g.Input[0] == 1 && g.Output[0] == 1 && g.Dilation[1] == 1 && g.Dilation[2] == 1 && g.Stride[2] is 1 or 2;

    /// <summary>
    /// A convolution without im2col: the input is copied once into a zero-padded buffer, and the 6×16 register tile of
    /// <see cref="GemmCore"/> reads its B operand straight from the padded rows (deinterleaved for stride 2). The packed
    /// weights are the GEMM's A panels, so every output is the same chain — fma over (channel, kernel h, w) ascending from
    /// +0, padded taps contributing fma(w, 0, acc) — as the im2col product, bit for bit, without writing and re-reading
    /// the nine-times-larger im2col matrix. Work is split over (filter panel, output row); each row's bias and epilogue
    /// run as soon as it is done.
    /// </summary>
    private static void Direct(float[] x, int xOffset, int channels, float[] packedA, int aOffset, int filters, int firstFilter, Store post,
        float[] y, int yOffset, WindowGeometry g, Parallelism parallelism)
    {
        const int mr = GemmCore.MR, nr = GemmCore.NR;
        int ih = g.Input[1], iw = g.Input[2], oh = g.Output[1], ow = g.Output[2], kh = g.Kernel[1], kw = g.Kernel[2];
        int sh = g.Stride[1], sw = g.Stride[2], top = g.PadBegin[1], left = g.PadBegin[2];
        var tiles = (ow + nr - 1) / nr;
        // Padded rows wide enough for every vector load of the last tile (two loads of 8, or of 16 for stride 2), a
        // multiple of 16 so a stride-2 row splits into two halves of whole vectors.
        var width = (Math.Max(left + iw, (tiles * nr - 1) * sw + kw) + 16 + 15) / 16 * 16;
        var height = Math.Max(top + ih, (oh - 1) * sh + kh);
        var plane = height * width;
        var padded = ArrayPool<float>.Shared.Rent(channels * plane);
        float[]? phased = null;
        try
        {
            Array.Clear(padded, 0, channels * plane);
            for (var c = 0; c < channels; c++)
                for (var r = 0; r < ih; r++)
                    x.AsSpan(xOffset + (c * ih + r) * iw, iw).CopyTo(padded.AsSpan(c * plane + (top + r) * width + left, iw));
            if (sw == 2)
            {
                // Each row as its even columns then its odd columns: a stride-2 tap becomes one contiguous load instead
                // of two loads and a shuffle per tap and filter panel (the same values reach the same lanes).
                phased = ArrayPool<float>.Shared.Rent(channels * plane);
                Deinterleave(padded, phased, channels * height, width);
            }
            var panels = (filters + mr - 1) / mr;
            var k = channels * kh * kw;
            var positions = oh * ow;
            // Short rows store their bias and epilogue per plane afterwards (the output is then still in L2): per row,
            // the per-call setup would outweigh the work.
            var perRow = !post.IsEmpty && ow >= ShortRow;
            // A task is a band of output rows of one filter panel: each filter's band is contiguous, so its bias and
            // epilogue go in one call while the band is in cache.
            var bandRows = Math.Clamp(BandOutputs / ow, 1, oh);
            var bands = (oh + bandRows - 1) / bandRows;
            parallelism.For(panels * bands, task =>
            {
                var panel = task / bands;
                var h0 = task % bands * bandRows;
                var h1 = Math.Min(oh, h0 + bandRows);
                for (var h = h0; h < h1; h++)
                    DirectRow(phased ?? padded, plane, width, channels, kh, kw, sh * h, sw, packedA, aOffset + panel * mr * k, k, y,
                        yOffset + panel * mr * positions + h * ow, positions, Math.Min(mr, filters - panel * mr), ow);
                if (!perRow) return;
                for (var r = 0; r < mr && panel * mr + r < filters; r++)
                    post.Row(yOffset + (panel * mr + r) * positions + h0 * ow, (h1 - h0) * ow);
            }, (long)mr * bandRows * ow * k);
            if (!perRow) post.Region(yOffset, filters * positions, parallelism);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(padded);
            if (phased is not null) ArrayPool<float>.Shared.Return(phased);
        }
    }

    /// <summary>Rows of <paramref name="width"/> floats (a multiple of 16) into [even columns, odd columns] halves.</summary>
    private static unsafe void Deinterleave(float[] source, float[] target, int rows, int width)
    {
        var half = width / 2;
        fixed (float* sp = source, tp = target)
            for (var r = 0; r < rows; r++)
            {
                var from = sp + (long)r * width;
                var to = tp + (long)r * width;
                for (var t = 0; t < half; t += 8)
                {
                    Evens(from + 2 * t).Store(to + t);
                    Odds(from + 2 * t).Store(to + half + t);
                }
            }
    }

    /// <summary>One output row of up to six filters: 16 outputs at a time, all k taps accumulated in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DirectRow(float[] padded, int plane, int width, int channels, int kh, int kw, int firstRow, int sw,
        float[] packedA, int aOffset, int k, float[] y, int yOffset, int ldy, int rows, int ow)
    {
        const int mr = GemmCore.MR, nr = GemmCore.NR;
        var tile = stackalloc float[mr * nr];
        fixed (float* xp = padded, ap = packedA, yp = y)
        {
            for (var j = 0; j < ow; j += nr)
            {
                Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
                Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                var a = ap + aOffset;
                for (var c = 0; c < channels; c++)
                    for (var r = 0; r < kh; r++)
                    {
                        // Stride 2 reads the deinterleaved rows: column 2(j + l) + e is (e mod 2)'s half at j + l + e / 2.
                        var row = xp + c * plane + (firstRow + r) * width + j;
                        for (var e = 0; e < kw; e++, a += mr)
                        {
                            var at = sw == 1 ? row + e : row + (e & 1) * (width / 2) + (e >> 1);
                            var b0 = Vector256.Load(at);
                            var b1 = Vector256.Load(at + 8);
                            var a0 = Vector256.Create(a[0]);
                            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
                            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
                            var a1 = Vector256.Create(a[1]);
                            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
                            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
                            var a2 = Vector256.Create(a[2]);
                            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
                            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
                            var a3 = Vector256.Create(a[3]);
                            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
                            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
                            var a4 = Vector256.Create(a[4]);
                            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
                            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
                            var a5 = Vector256.Create(a[5]);
                            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
                            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
                        }
                    }
                var cols = Math.Min(nr, ow - j);
                if (cols == nr && rows == mr)
                {
                    // A whole tile goes straight to the output rows (a copy call per row through the tile would cost
                    // a third of the tile's work at K = 75).
                    var o = yp + yOffset + j;
                    c00.Store(o); c01.Store(o + 8);
                    c10.Store(o + ldy); c11.Store(o + ldy + 8);
                    c20.Store(o + 2L * ldy); c21.Store(o + 2L * ldy + 8);
                    c30.Store(o + 3L * ldy); c31.Store(o + 3L * ldy + 8);
                    c40.Store(o + 4L * ldy); c41.Store(o + 4L * ldy + 8);
                    c50.Store(o + 5L * ldy); c51.Store(o + 5L * ldy + 8);
                    continue;
                }
                c00.Store(tile); c01.Store(tile + 8);
                c10.Store(tile + nr); c11.Store(tile + nr + 8);
                c20.Store(tile + 2 * nr); c21.Store(tile + 2 * nr + 8);
                c30.Store(tile + 3 * nr); c31.Store(tile + 3 * nr + 8);
                c40.Store(tile + 4 * nr); c41.Store(tile + 4 * nr + 8);
                c50.Store(tile + 5 * nr); c51.Store(tile + 5 * nr + 8);
                for (var i = 0; i < rows; i++)
                    new ReadOnlySpan<float>(tile + i * nr, cols).CopyTo(new Span<float>(yp + yOffset + (long)i * ldy + j, cols));
            }
        }
    }

    /// <summary>One input channel per group: each output plane from one input plane, a multiply-add per kernel tap.</summary>
    private static void Depthwise(float[] x, float[] w, Store post, float[] y, int batch, int channels, int multiplier,
        WindowGeometry g, Parallelism parallelism)
    {
        var filters = channels * multiplier;
        parallelism.For(batch * filters, plane =>
        {
            DepthwisePlane(x, w, y, plane, channels, multiplier, g);
            post.Row(plane * g.OutputSize, g.OutputSize);
        }, (long)g.OutputSize * g.KernelSize);
    }

    /// <summary>
    /// One output plane of a depthwise convolution, row by row. An output is fma-accumulated from +0 over the window taps
    /// (kernel d, h, w) in ascending order, skipping taps in the padding (their products are zero). Outputs whose
    /// window columns are all inside the row are computed 16 or 8 at a time with the sums held in registers across all
    /// taps (strided loads for stride 2); edge outputs one at a time in the same order, so every element is the same
    /// chain of fused multiply-adds either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DepthwisePlane(float[] x, float[] w, float[] y, int plane, int channels, int multiplier, WindowGeometry g)
    {
        var filters = channels * multiplier;
        int id = g.Input[0], ih = g.Input[1], iw = g.Input[2];
        int od = g.Output[0], oh = g.Output[1], ow = g.Output[2];
        int kd = g.Kernel[0], kh = g.Kernel[1], kw = g.Kernel[2];
        int stride = g.Stride[2], dilation = g.Dilation[2], pad = g.PadBegin[2];
        var taps = g.KernelSize;
        var n = plane / filters;
        var m = plane % filters;
        var input = new ReadOnlySpan<float>(x, (n * channels + m / multiplier) * g.InputSize, g.InputSize);
        var weights = new ReadOnlySpan<float>(w, m * taps, taps);
        var output = new Span<float>(y, plane * g.OutputSize, g.OutputSize);
        Span<int> rows = stackalloc int[kd * kh];
        Span<int> rowWeights = stackalloc int[kd * kh];
        var (lo, _) = ValidRange(-pad, stride, iw, ow);
        var (_, hi) = ValidRange((kw - 1) * dilation - pad, stride, iw, ow);
        var reach = StridedLoad.Reach(stride);
        var fast3x3 = kd == 1 && kh == 3 && kw == 3 && dilation == 1 && g.Dilation[1] == 1 && stride is 1 or 2;
        for (var d = 0; d < od; d++)
            for (var h = 0; h < oh; h++)
            {
                var count = 0;
                for (var a = 0; a < kd; a++)
                {
                    var inD = d * g.Stride[0] - g.PadBegin[0] + a * g.Dilation[0];
                    if ((uint)inD >= (uint)id) continue;
                    for (var c = 0; c < kh; c++)
                    {
                        var inH = h * g.Stride[1] - g.PadBegin[1] + c * g.Dilation[1];
                        if ((uint)inH >= (uint)ih) continue;
                        rows[count] = (inD * ih + inH) * iw;
                        rowWeights[count++] = (a * kh + c) * kw;
                    }
                }
                var validRows = rows[..count];
                var validWeights = rowWeights[..count];
                var row = output.Slice((d * oh + h) * ow, ow);
                var o = 0;
                for (; o < lo && o < ow; o++) row[o] = DepthwiseOne(input, weights, validRows, validWeights, o * stride - pad, kw, dilation, iw);
                var last = count == 0 ? 0 : validRows[^1] + (kw - 1) * dilation + reach - pad;
                if (fast3x3 && count == 3)
                {
                    // Vector outputs whose loads stay inside the plane: last + o·stride <= length.
                    var end = Math.Min(hi, (input.Length - last) / stride + 1);
                    o = Depthwise3x3(input, weights, validRows, row, o, end, stride, pad);
                }
                for (; o + 16 <= hi && last + (o + 8) * stride <= input.Length; o += 16)
                {
                    var first = o * stride - pad;
                    Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
                    for (var r = 0; r < validRows.Length; r++)
                    {
                        var start = validRows[r] + first;
                        var wr = validWeights[r];
                        for (var e = 0; e < kw; e++)
                        {
                            var wv = Vector256.Create(weights[wr + e]);
                            var at = start + e * dilation;
                            acc0 = Vector256.FusedMultiplyAdd(wv, StridedLoad.Load(input, at, stride), acc0);
                            acc1 = Vector256.FusedMultiplyAdd(wv, StridedLoad.Load(input, at + 8 * stride, stride), acc1);
                        }
                    }
                    acc0.CopyTo(row.Slice(o, 8));
                    acc1.CopyTo(row.Slice(o + 8, 8));
                }
                for (; o + 8 <= hi && last + o * stride <= input.Length; o += 8)
                {
                    var first = o * stride - pad;
                    var acc = Vector256<float>.Zero;
                    for (var r = 0; r < validRows.Length; r++)
                    {
                        var start = validRows[r] + first;
                        var wr = validWeights[r];
                        for (var e = 0; e < kw; e++)
                            acc = Vector256.FusedMultiplyAdd(Vector256.Create(weights[wr + e]), StridedLoad.Load(input, start + e * dilation, stride), acc);
                    }
                    acc.CopyTo(row.Slice(o, 8));
                }
                for (; o < ow; o++) row[o] = DepthwiseOne(input, weights, validRows, validWeights, o * stride - pad, kw, dilation, iw);
            }
    }

    /// <summary>
    /// Outputs [from, to) of one row of a 3×3 depthwise convolution whose three window rows are all inside the input,
    /// eight at a time with the nine weights held in registers: the taps in the same order as the generic loop
    /// (window row, then column), so the same fma chain per element. Returns the first output not computed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Depthwise3x3(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<int> rows, Span<float> row,
        int from, int to, int stride, int pad)
    {
        var o = from;
        if (to - from < 8) return o;
        fixed (float* x = input, w = weights, y = row)
        {
            var r0 = x + rows[0] - pad;
            var r1 = x + rows[1] - pad;
            var r2 = x + rows[2] - pad;
            Vector256<float> w00 = Vector256.Create(w[0]), w01 = Vector256.Create(w[1]), w02 = Vector256.Create(w[2]);
            Vector256<float> w10 = Vector256.Create(w[3]), w11 = Vector256.Create(w[4]), w12 = Vector256.Create(w[5]);
            Vector256<float> w20 = Vector256.Create(w[6]), w21 = Vector256.Create(w[7]), w22 = Vector256.Create(w[8]);
            if (stride == 1)
            {
                for (; o + 8 <= to; o += 8)
                {
                    var acc = Vector256.FusedMultiplyAdd(w00, Vector256.Load(r0 + o), Vector256<float>.Zero);
                    acc = Vector256.FusedMultiplyAdd(w01, Vector256.Load(r0 + o + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w02, Vector256.Load(r0 + o + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w10, Vector256.Load(r1 + o), acc);
                    acc = Vector256.FusedMultiplyAdd(w11, Vector256.Load(r1 + o + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w12, Vector256.Load(r1 + o + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w20, Vector256.Load(r2 + o), acc);
                    acc = Vector256.FusedMultiplyAdd(w21, Vector256.Load(r2 + o + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w22, Vector256.Load(r2 + o + 2), acc);
                    acc.Store(y + o);
                }
            }
            else
            {
                for (; o + 8 <= to; o += 8)
                {
                    var i = 2 * o;
                    var acc = Vector256.FusedMultiplyAdd(w00, Evens(r0 + i), Vector256<float>.Zero);
                    acc = Vector256.FusedMultiplyAdd(w01, Evens(r0 + i + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w02, Evens(r0 + i + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w10, Evens(r1 + i), acc);
                    acc = Vector256.FusedMultiplyAdd(w11, Evens(r1 + i + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w12, Evens(r1 + i + 2), acc);
                    acc = Vector256.FusedMultiplyAdd(w20, Evens(r2 + i), acc);
                    acc = Vector256.FusedMultiplyAdd(w21, Evens(r2 + i + 1), acc);
                    acc = Vector256.FusedMultiplyAdd(w22, Evens(r2 + i + 2), acc);
                    acc.Store(y + o);
                }
            }
        }
        return o;
    }

    /// <summary>p[0], p[2], …, p[14]: two loads deinterleaved (data movement only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<float> Evens(float* p)
    {
        var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        return Vector256.Create(Vector256.Shuffle(Vector256.Load(p), evens).GetLower(), Vector256.Shuffle(Vector256.Load(p + 8), evens).GetLower());
    }

    /// <summary>p[1], p[3], …, p[15]: two loads deinterleaved (data movement only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Odds(float* p)
    {
        var odds = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        return Vector256.Create(Vector256.Shuffle(Vector256.Load(p), odds).GetLower(), Vector256.Shuffle(Vector256.Load(p + 8), odds).GetLower());
    }

    /// <summary>One depthwise output: fma over the valid window rows and the columns inside [0, iw), in window order.</summary>
    private static float DepthwiseOne(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<int> rows, ReadOnlySpan<int> rowWeights,
        int first, int kw, int dilation, int iw)
    {
        var acc = 0f;
        for (var r = 0; r < rows.Length; r++)
            for (var e = 0; e < kw; e++)
            {
                var pw = first + e * dilation;
                if ((uint)pw < (uint)iw) acc = MathF.FusedMultiplyAdd(weights[rowWeights[r] + e], input[rows[r] + pw], acc);
            }
        return acc;
    }

    /// <summary>The outputs o in [lo, hi) whose input o·stride + shift lies inside [0, size).</summary>
    internal static (int Lo, int Hi) ValidRange(int shift, int stride, int size, int outputs)
    {
        var lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        var last = size - 1 - shift;
        var hi = last < 0 ? 0 : Math.Min(outputs, last / stride + 1);
        return (Math.Min(lo, hi), hi);
    }
}
