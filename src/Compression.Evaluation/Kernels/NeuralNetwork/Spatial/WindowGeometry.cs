using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Spatial;

/// <summary>
/// The sliding-window geometry of Conv and the pools: kernel, strides, dilations and pads along each spatial axis, with
/// the output size they give. Kernels work on three spatial axes: 1-D and 2-D problems are lifted to 3-D by leading
/// unit axes (size 1, kernel 1, stride 1, no pad), so one loop nest serves every rank.
/// </summary>
internal sealed class WindowGeometry
{
    public const int Axes = 3;

    public required int Rank { get; init; }

    public required int[] Input { get; init; }

    public required int[] Kernel { get; init; }

    public required int[] Stride { get; init; }

    public required int[] Dilation { get; init; }

    public required int[] PadBegin { get; init; }

    public required int[] PadEnd { get; init; }

    public required int[] Output { get; init; }

    public int InputSize => Input[0] * Input[1] * Input[2];

    public int OutputSize => Output[0] * Output[1] * Output[2];

    public int KernelSize => Kernel[0] * Kernel[1] * Kernel[2];

    /// <summary>The window attributes of a node, before any input size is known.</summary>
    public sealed record Attributes(string AutoPad, long[] Kernel, long[] Strides, long[] Dilations, long[] Pads, bool CeilMode);

    /// <summary>Reads auto_pad, strides, dilations, pads and ceil_mode; the kernel shape comes from the caller.</summary>
    public static Attributes Read(NodeAttributes attributes, long[] kernel, Func<string, KernelException> fail, bool allowDilations = true)
    {
        var rank = kernel.Length;
        var autoPad = attributes.GetString("auto_pad", "NOTSET");
        if (autoPad.Length == 0) autoPad = "NOTSET";
        if (autoPad is not ("NOTSET" or "SAME_UPPER" or "SAME_LOWER" or "VALID")) throw fail($"auto_pad '{autoPad}' is not valid");
        var strides = attributes.GetInts("strides") ?? Enumerable.Repeat(1L, rank).ToArray();
        var dilations = (allowDilations ? attributes.GetInts("dilations") : null) ?? Enumerable.Repeat(1L, rank).ToArray();
        var pads = attributes.GetInts("pads") ?? new long[2 * rank];
        if (strides.Length != rank) throw fail($"strides has {strides.Length} values for {rank} spatial axes");
        if (dilations.Length != rank) throw fail($"dilations has {dilations.Length} values for {rank} spatial axes");
        if (pads.Length != 2 * rank) throw fail($"pads has {pads.Length} values for {rank} spatial axes");
        foreach (var k in kernel) if (k < 1) throw fail("kernel_shape values must be positive");
        foreach (var s in strides) if (s < 1) throw fail("strides must be positive");
        foreach (var d in dilations) if (d < 1) throw fail("dilations must be positive");
        foreach (var p in pads) if (p < 0) throw fail("pads must not be negative");
        return new Attributes(autoPad, kernel, strides, dilations, pads, attributes.GetInt("ceil_mode", 0) != 0);
    }

    /// <summary>Output size and pads along one axis, as ONNX defines them (and ONNX Runtime computes them).</summary>
    public static (long Output, long PadBegin, long PadEnd) Axis(Attributes a, int axis, long input)
    {
        var rank = a.Kernel.Length;
        var stride = a.Strides[axis];
        var effective = (a.Kernel[axis] - 1) * a.Dilations[axis] + 1;
        switch (a.AutoPad)
        {
            case "VALID":
                return (input >= effective ? (input - effective) / stride + 1 : 0, 0, 0);
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                var output = (input + stride - 1) / stride;
                var total = Math.Max(0, (output - 1) * stride + effective - input);
                var small = total / 2;
                return a.AutoPad == "SAME_UPPER" ? (output, small, total - small) : (output, total - small, small);
            }
            default:
            {
                var begin = a.Pads[axis];
                var end = a.Pads[axis + rank];
                var span = input + begin + end - effective;
                if (span < 0) return (0, begin, end);
                var output = a.CeilMode ? (span + stride - 1) / stride + 1 : span / stride + 1;
                // With ceil_mode a last window that would start inside the end padding is dropped.
                if (a.CeilMode && (output - 1) * stride >= input + begin) output--;
                return (output, begin, end);
            }
        }
    }

    /// <summary>Output spatial dims for inference: unknown where the input dim is unknown.</summary>
    public static Dim[] InferOutput(Attributes a, IReadOnlyList<Dim> spatial)
    {
        var result = new Dim[spatial.Count];
        for (var i = 0; i < spatial.Count; i++)
            result[i] = spatial[i].IsKnown ? Axis(a, i, spatial[i].Value).Output : Dim.Unknown;
        return result;
    }

    /// <summary>The geometry for concrete spatial input dims, lifted to three axes.</summary>
    public static WindowGeometry Create(Attributes a, ReadOnlySpan<int> spatial)
    {
        var rank = spatial.Length;
        var lead = Axes - rank;
        int[] Lift(Func<int, long> f, int one)
        {
            var r = new int[Axes];
            for (var i = 0; i < Axes; i++) r[i] = i < lead ? one : checked((int)f(i - lead));
            return r;
        }
        var spatialCopy = spatial.ToArray();
        var axes = Enumerable.Range(0, rank).Select(i => Axis(a, i, spatialCopy[i])).ToArray();
        return new WindowGeometry
        {
            Rank = rank,
            Input = Lift(i => spatialCopy[i], 1),
            Kernel = Lift(i => a.Kernel[i], 1),
            Stride = Lift(i => a.Strides[i], 1),
            Dilation = Lift(i => a.Dilations[i], 1),
            PadBegin = Lift(i => axes[i].PadBegin, 0),
            PadEnd = Lift(i => axes[i].PadEnd, 0),
            Output = Lift(i => axes[i].Output, 1),
        };
    }

    /// <summary>The output spatial dims at the original rank.</summary>
    public int[] OutputDims() => Output[(Axes - Rank)..];

    /// <summary>True when the window is a single element at stride 1 with no padding: the output is the input.</summary>
    public bool IsPointwise
    {
        get
        {
            if (KernelSize != 1) return false;
            for (var i = 0; i < Axes; i++)
                if (Stride[i] != 1 || PadBegin[i] != 0 || PadEnd[i] != 0) return false;
            return true;
        }
    }

    /// <summary>
    /// Whether a kernel over zero-padded rows serves this window (<see cref="Convolution.DepthwisePadded"/>,
    /// <see cref="Convolution.DirectConvolution"/>): 1-D or 2-D, no dilation, stride 1 or 2 along the row (any stride
    /// down the columns).
    /// </summary>
    public bool RunsOnPaddedRows =>
        Kernel[0] == 1 && Input[0] == 1 && Output[0] == 1 && Dilation[1] == 1 && Dilation[2] == 1 && Stride[2] is 1 or 2;

    /// <summary>The outputs o in [lo, hi) whose input o·stride + shift lies inside [0, size).</summary>
    public static (int Lo, int Hi) ValidRange(int shift, int stride, int size, int outputs)
    {
        var lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        var last = size - 1 - shift;
        var hi = last < 0 ? 0 : Math.Min(outputs, last / stride + 1);
        return (Math.Min(lo, hi), hi);
    }
}
