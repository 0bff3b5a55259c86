using System.Buffers;
using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Kernels.NeuralNetwork.Fusion;
using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>
/// Conv (versions 1 and 11; they differ only in wording): float convolution over 1, 2 or 3 spatial axes with groups,
/// strides, dilations, explicit or automatic pads and an optional bias. This class checks the node and picks the
/// algorithm; each algorithm is its own file in this folder:
/// <list type="bullet">
/// <item><see cref="DepthwisePadded"/>: one input channel per group, 1-D or 2-D, on zero-padded planes;
/// <see cref="DepthwiseConvolution"/> for the other depthwise geometries.</item>
/// <item><see cref="Gemv"/>: a 1×1 convolution at a single position.</item>
/// <item><see cref="DirectConvolution"/>: ordinary and grouped convolutions whose window slides along padded rows.</item>
/// <item><see cref="GemmConvolution"/>: everything else, and every 1×1 convolution, as a matrix product per image and group.</item>
/// <item><see cref="DepthwisePointwisePair"/>: a depthwise Conv and the 1×1 Conv after it, band by band.</item>
/// </list>
/// <para>
/// On every path an output element is fma-accumulated over (input channel, kernel d, h, w) in ascending order from
/// zero (paths that skip padded positions lose nothing: those products are exactly zero), then the bias is added, then
/// any fused elementwise nodes run on the row (<see cref="ConvOutputStore"/>, <see cref="Epilogue"/>: the unfused
/// kernels' exact operations), so the path taken never changes the bits. Constant weights are packed once per plan
/// (<see cref="Prepare"/>).
/// </para>
/// </summary>
internal sealed class Conv : IKernel, IPreparedKernel
{
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
            return new PreparedConv(w, group, window, null, null, finite);
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
        return new PreparedConv(w, group, window, new PackedWeights(packed, size), transposed, false);
    }


    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var x = context.Input(0);
        var w = context.Input(1);
        return ConvOperands.Infer(context, x, w, x?.ElementType ?? w?.ElementType ?? DataType.Undefined);
    }

    public void Execute(KernelContext context)
    {
        if (context.Prelude is { } prelude)
        {
            // All or nothing: declining leaves no output and the run executes the two nodes one by one.
            context.PreludeApplied = DepthwisePointwisePair.TryRun(context, prelude);
            return;
        }
        var x = context.Input(0);
        var w = context.Input(1);
        var bias = context.OptionalInput(2);
        ConvOperands.RequireFloat(context, x, w);
        var state = context.Prepared is PreparedConv p && ReferenceEquals(p.Weight, w) ? p : null;
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
        var post = new ConvOutputStore((float[]?)bias?.Data, epilogue?.Epilogue, externals, ys, g.OutputSize, filters);
        if (y.Length > 0)
        {
            if (groupChannels == 1 && DepthwisePadded.Fits(g) && (state?.FiniteWeights ?? DepthwisePadded.AllFinite((float[])w.Data)))
                DepthwisePadded.Run(xs, (float[])w.Data, post, ys, batch, channels, groupFilters, g, context.Parallelism);
            else if (groupChannels == 1)
                DepthwiseConvolution.Run(xs, (float[])w.Data, post, ys, batch, channels, groupFilters, g, context.Parallelism);
            else if (state?.Transposed is { } transposed && g.IsPointwise && g.OutputSize == 1)
                for (var n = 0; n < batch; n++)
                    Gemv.Run(transposed, Gemv.PaddedFilters(filters), xs, n * channels, filters, channels, post, ys, n * filters);
            else
                Grouped(xs, w, state?.Packed, post, ys, batch, group, groupChannels, groupFilters, g, context.Parallelism);
        }
        context.EpilogueApplied = epilogue is not null;
        context.SetOutput(0, y);
    }

    /// <summary>
    /// Every ordinary or grouped convolution: its weights in GEMM A panels (packed once per plan when constant, else
    /// now), then the direct kernel where the window slides along padded rows, otherwise the matrix product.
    /// </summary>
    private static void Grouped(float[] x, Tensor weight, PackedWeights? prepared, ConvOutputStore post, float[] y, int batch, int group,
        int groupChannels, int groupFilters, WindowGeometry g, Parallelism parallelism)
    {
        var k = groupChannels * g.KernelSize;
        var aSize = GemmCore.PackedASize(groupFilters, k);
        var packedA = prepared?.Packed ?? ArrayPool<float>.Shared.Rent(Math.Max(1, aSize * group));
        try
        {
            if (prepared is null)
                for (var gi = 0; gi < group; gi++)
                    GemmCore.PackA((float[])weight.Data, gi * groupFilters * k, k, 1, groupFilters, k, packedA.AsSpan(gi * aSize, aSize));
            if (g.IsPointwise || !DirectConvolution.Fits(g))
            {
                GemmConvolution.Run(x, packedA, aSize, post, y, batch, group, groupChannels, groupFilters, g, parallelism);
                return;
            }
            for (var n = 0; n < batch; n++)
                for (var gi = 0; gi < group; gi++)
                    DirectConvolution.Run(x, (n * group + gi) * groupChannels * g.InputSize, groupChannels, packedA, gi * aSize, groupFilters, post, y,
                        (n * group + gi) * groupFilters * g.OutputSize, g, parallelism);
        }
        finally
        {
            if (prepared is null) ArrayPool<float>.Shared.Return(packedA);
        }
    }
}
