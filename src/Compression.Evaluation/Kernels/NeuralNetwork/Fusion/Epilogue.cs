using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Kernels.Elementwise;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

/// <summary>What one elementwise step of an <see cref="Epilogue"/> computes.</summary>
internal enum EpilogueCode
{
    Add,
    Sub,
    Mul,
    Div,
    /// <summary>x &lt; 0 ? 0 : x, as the Relu kernel.</summary>
    Relu,
    /// <summary>x &lt; lo ? lo : x, then x &gt; hi ? hi : x, as the Clip kernel (NaN passes).</summary>
    Clip,
    /// <summary>alpha·x + beta (two roundings), then min with 1 and max with 0, as the HardSigmoid kernel.</summary>
    HardSigmoid,
    /// <summary>fma(x, a[c], b[c]) per channel, as the BatchNormalization kernel.</summary>
    Affine,
}

/// <summary>Where an operand comes from: an earlier register, a constant (one value or one per channel), or a tensor of the output's shape.</summary>
internal enum OperandKind
{
    Register,
    Constant,
    External,
}

internal readonly record struct EpilogueOperand(OperandKind Kind, int Index, float[]? Values)
{
    public static EpilogueOperand Register(int index) => new(OperandKind.Register, index, null);

    public static EpilogueOperand Constant(float[] values) => new(OperandKind.Constant, 0, values);

    public static EpilogueOperand External(int index) => new(OperandKind.External, index, null);
}

/// <summary>One step: register <c>Target</c> = op(A, B) (B unused by unary steps; P0, P1 its attributes).</summary>
internal sealed record EpilogueStep(EpilogueCode Code, int Target, EpilogueOperand A, EpilogueOperand B, float P0 = 0f, float P1 = 0f,
    float[]? Scale = null, float[]? Shift = null);

/// <summary>
/// Elementwise nodes that follow a convolution, applied to each output row while it is still in cache instead of as
/// separate passes over memory. Register 0 holds the convolution's output (bias added); each step writes a new register,
/// and the last register is the group's result. Every element goes through exactly the float operations the unfused
/// kernels perform, in the same order (Vector256 lanes and the scalar tail are the same IEEE operations), so fused and
/// unfused runs are bit-identical.
/// </summary>
internal sealed class Epilogue
{
    /// <summary>Elements per chunk: every register of a chunk lives in a stack buffer.</summary>
    private const int Chunk = 64;

    /// <param name="compile">False keeps the step-by-step path only (tests compare the two).</param>
    public Epilogue(IReadOnlyList<EpilogueStep> steps, int externals, bool compile = true)
    {
        Steps = steps.ToArray();
        Externals = externals;
        _compiled = compile ? EpilogueCompiler.Compile(Steps, bias: false) : null;
        _compiledWithBias = compile ? EpilogueCompiler.Compile(Steps, bias: true) : null;
    }

    /// <summary>Whether the steps run as one compiled loop (for tests).</summary>
    internal bool IsCompiled => _compiled is not null;

    /// <summary>The steps as one inlined loop (<see cref="CompiledEpilogue"/>), without and with a bias; null if they do not compile.</summary>
    private readonly CompiledEpilogue? _compiled;
    private readonly CompiledEpilogue? _compiledWithBias;

    public EpilogueStep[] Steps { get; }

    /// <summary>How many tensors of the output's shape the steps read (bound per run, in this order).</summary>
    public int Externals { get; }

    private int Registers => Steps.Length + 1;

    /// <summary>Whether the run's tensors fit the plan: float externals of exactly the output's shape, channel constants of its channel count.</summary>
    public bool Fits(int[] outputShape, IReadOnlyList<Tensor> externals)
    {
        if (externals.Count != Externals || outputShape.Length < 2) return false;
        foreach (var e in externals)
            if (e.ElementType != Onnx.Protobuf.TensorProto.Types.DataType.Float || !e.Shape.AsSpan().SequenceEqual(outputShape)) return false;
        var channels = outputShape[1];
        foreach (var s in Steps)
        {
            if (s.A.Values is { Length: > 1 } a && a.Length != channels) return false;
            if (s.B.Values is { Length: > 1 } b && b.Length != channels) return false;
            if (s.Scale is { } scale && scale.Length != channels) return false;
        }
        return true;
    }

    /// <summary>Elements per block of the vector path: each intermediate register is a stack row of this many floats.</summary>
    private const int Block = 256;

    /// <summary>Stack rows past the registers: per-element channel values of operand A, operand B, the bias or scale, the shift.</summary>
    private const int ChannelRows = 4;

    /// <summary>
    /// Adds <paramref name="bias"/> (if any) to y[offset, offset + length), then applies the steps; the result replaces y.
    /// The range may span several channels: element i belongs to channel (i / planeSize) mod channels, so many short
    /// planes can go in one call. Whole vectors run in place: register 0 is y itself (read by the steps, overwritten
    /// only by the last one, which writes each lane after reading it), external operands are read where they are, and
    /// a channel's constant is broadcast (or, in a block spanning channels, spread per element). A range that is not
    /// whole vectors has its last eight elements computed on a copy first; ranges shorter than eight take the chunked
    /// path. Every way, each element goes through the same float operations in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    public void Apply(float[] y, int offset, int length, int planeSize, int channels, float[][] externals, float[]? bias = null)
    {
        var layout = new ChannelLayout(planeSize, channels);
        if (length < 8)
        {
            for (var at = offset; at < offset + length;)
            {
                var to = Math.Min(offset + length, layout.PlaneEnd(at));
                var channel = layout.ChannelOf(at);
                if (bias is not null)
                    for (var j = at; j < to; j++) y[j] += bias[channel];
                Chunked(y, at, to - at, channel, externals);
                at = to;
            }
            return;
        }
        if ((bias is null ? _compiled : _compiledWithBias) is { } compiled)
        {
            Compiled(compiled, y, offset, length, layout, externals, bias);
            return;
        }
        Span<float> scratch = stackalloc float[(Registers + ChannelRows) * Block];
        ref var data = ref MemoryMarshal.GetArrayDataReference(y);
        var full = length & ~7;
        Span<float> tail = stackalloc float[8];
        var end = offset + length;
        if (full < length)
        {
            // The last eight elements, computed on a copy before the body below overwrites any of them; only the part
            // past the whole vectors is stored.
            y.AsSpan(end - 8, 8).CopyTo(tail);
            Vectors(ref tail[0], end - 8, 8, layout, externals, bias, scratch);
        }
        for (var start = 0; start < full; start += Block)
            Vectors(ref Unsafe.Add(ref data, offset + start), offset + start, Math.Min(Block, full - start), layout, externals, bias, scratch);
        if (full < length) tail[(8 - (length - full))..].CopyTo(y.AsSpan(offset + full, length - full));
    }

    /// <summary>
    /// <see cref="Apply"/> through the compiled loop (length at least 8): blocks of whole vectors in place, the last
    /// eight elements first on a copy when the length is not whole vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static unsafe void Compiled(CompiledEpilogue compiled, float[] y, int offset, int length, ChannelLayout layout, float[][] externals,
        float[]? bias)
    {
        var slots = compiled.Slots;
        var channel = stackalloc float[Math.Max(1, slots.Length) * CompiledEpilogue.SlotSize];
        var tail = stackalloc float[8];
        var full = length & ~7;
        var end = offset + length;
        fixed (float* yp = y, e0 = externals.Length > 0 ? externals[0] : null, e1 = externals.Length > 1 ? externals[1] : null)
        {
            var frame = new EpilogueFrame { Channel = channel };
            if (full < length)
            {
                new ReadOnlySpan<float>(yp + end - 8, 8).CopyTo(new Span<float>(tail, 8));
                CompiledBlock(compiled, ref frame, tail, e0, e1, end - 8, 8, layout, bias);
            }
            for (var start = offset; start < offset + full; start += CompiledEpilogue.SlotSize)
                CompiledBlock(compiled, ref frame, yp + start, e0, e1, start, Math.Min(CompiledEpilogue.SlotSize, offset + full - start), layout, bias);
            if (full < length) new ReadOnlySpan<float>(tail + 8 - (length - full), length - full).CopyTo(new Span<float>(yp + offset + full, length - full));
        }
    }

    /// <summary>One block of whole vectors: the frame pointed at it, its channel values filled, the loop run.</summary>
    private static unsafe void CompiledBlock(CompiledEpilogue compiled, ref EpilogueFrame frame, float* row, float* e0, float* e1, int at, int count,
        ChannelLayout layout, float[]? bias)
    {
        frame.Row = row;
        frame.External0 = e0 == null ? null : e0 + at;
        frame.External1 = e1 == null ? null : e1 + at;
        var slots = compiled.Slots;
        var single = layout.ChannelOf(at) == layout.ChannelOf(at + count - 1) && layout.PlaneEnd(at) >= at + count;
        frame.Stride = single ? 0u : 1u;
        for (var s = 0; s < slots.Length; s++)
        {
            var values = slots[s] ?? bias!;
            var slot = new Span<float>(frame.Channel + s * CompiledEpilogue.SlotSize, CompiledEpilogue.SlotSize);
            if (single)
            {
                slot[..8].Fill(values[layout.ChannelOf(at)]);
                continue;
            }
            for (var i = 0; i < count;)
            {
                var to = Math.Min(count, layout.PlaneEnd(at + i) - at);
                slot[i..to].Fill(values[layout.ChannelOf(at + i)]);
                i = to;
            }
        }
        compiled.Run(ref frame, (nuint)count);
    }

    /// <summary>Which channel an element of a [N, C, positions] tensor belongs to.</summary>
    private readonly record struct ChannelLayout(int PlaneSize, int Channels)
    {
        public int ChannelOf(int index) => index / PlaneSize % Channels;

        /// <summary>The first index past the plane holding <paramref name="index"/>.</summary>
        public int PlaneEnd(int index) => (index / PlaneSize + 1) * PlaneSize;
    }

    /// <summary>
    /// One block of whole vectors (count a multiple of 8, at most <see cref="Block"/>) at row, in place; external
    /// operands and channels are those of tensor index <paramref name="at"/> onwards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Vectors(ref float row, int at, int count, ChannelLayout layout, float[][] externals, float[]? bias, Span<float> scratch)
    {
        var n = (nuint)count;
        var channels = scratch[(Registers * Block)..];
        var aRow = channels[..Block];
        var bRow = channels.Slice(Block, Block);
        var scaleRow = channels.Slice(2 * Block, Block);
        var shiftRow = channels.Slice(3 * Block, Block);
        // One channel in the whole block (the usual case): its values broadcast, no per-element spreading.
        var single = layout.ChannelOf(at) == layout.ChannelOf(at + count - 1) && layout.PlaneEnd(at) >= at + count;
        if (bias is not null)
        {
            ref var b = ref Spread(bias, scaleRow, at, count, layout, single, out var bStride);
            for (nuint i = 0; i < n; i += 8) (Vector256.LoadUnsafe(ref row, i) + Vector256.LoadUnsafe(ref b, i * bStride)).StoreUnsafe(ref row, i);
        }
        var last = Steps.Length - 1;
        for (var s = 0; s <= last; s++)
        {
            var step = Steps[s];
            ref var target = ref s == last ? ref row : ref scratch[step.Target * Block];
            ref var a = ref Resolve(step.A, ref row, scratch, externals, at, count, layout, single, aRow, out var aStride);
            if (IsActivation(step.Code))
            {
                ref var p = ref Parameter(step.Scale, step.P0, scaleRow, at, count, layout, single, out var pStride);
                ref var q = ref Parameter(step.Shift, step.P1, shiftRow, at, count, layout, single, out var qStride);
                Activation(step.Code, ref a, aStride, ref p, pStride, ref q, qStride, ref target, n);
                continue;
            }
            ref var b = ref Resolve(step.B, ref row, scratch, externals, at, count, layout, single, bRow, out var bStride);
            Binary(step.Code, ref a, aStride, ref b, bStride, ref target, n);
        }
    }

    /// <summary>Whether the step is an activation (one operand and two parameters) rather than a binary operator.</summary>
    private static bool IsActivation(EpilogueCode code) => code is EpilogueCode.Relu or EpilogueCode.Clip or EpilogueCode.HardSigmoid or EpilogueCode.Affine;

    /// <summary>
    /// An activation's parameter for each element of the block: its per-channel values spread as <see cref="Spread"/>
    /// does (Affine), else the scalar attribute broadcast (stride 0; Relu's are never read).
    /// </summary>
    private static ref float Parameter(float[]? perChannel, float scalar, Span<float> channelRow, int at, int count, ChannelLayout layout, bool single,
        out nuint stride)
    {
        if (perChannel is not null) return ref Spread(perChannel, channelRow, at, count, layout, single, out stride);
        stride = 0;
        channelRow[..8].Fill(scalar);
        return ref channelRow[0];
    }

    /// <summary>
    /// An activation step over n floats (a multiple of 8) through the activation kernel's own vector body, so each
    /// element is what the unfused kernel would compute. The strides are in elements per vector (0 for a broadcast).
    /// </summary>
    private static void Activation(EpilogueCode code, ref float a, nuint aStride, ref float p, nuint pStride, ref float q, nuint qStride,
        ref float target, nuint n)
    {
        switch (code)
        {
            case EpilogueCode.Relu: Activation<ReluOperation>(ref a, aStride, ref p, pStride, ref q, qStride, ref target, n); break;
            case EpilogueCode.Clip: Activation<ClipOperation>(ref a, aStride, ref p, pStride, ref q, qStride, ref target, n); break;
            case EpilogueCode.HardSigmoid: Activation<HardSigmoidOperation>(ref a, aStride, ref p, pStride, ref q, qStride, ref target, n); break;
            default: Activation<AffineOperation>(ref a, aStride, ref p, pStride, ref q, qStride, ref target, n); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Activation<TOp>(ref float a, nuint aStride, ref float p, nuint pStride, ref float q, nuint qStride, ref float target, nuint n)
        where TOp : struct, IActivationVector
    {
        for (nuint i = 0; i < n; i += 8)
            TOp.Apply(Vector256.LoadUnsafe(ref a, i * aStride), Vector256.LoadUnsafe(ref p, i * pStride), Vector256.LoadUnsafe(ref q, i * qStride))
                .StoreUnsafe(ref target, i);
    }

    /// <summary>A binary step over n floats (a multiple of 8) through the binary kernel's own vector body.</summary>
    private static void Binary(EpilogueCode code, ref float a, nuint aStride, ref float b, nuint bStride, ref float target, nuint n)
    {
        switch (code)
        {
            case EpilogueCode.Add: Binary<AddOperation>(ref a, aStride, ref b, bStride, ref target, n); break;
            case EpilogueCode.Sub: Binary<SubOperation>(ref a, aStride, ref b, bStride, ref target, n); break;
            case EpilogueCode.Mul: Binary<MulOperation>(ref a, aStride, ref b, bStride, ref target, n); break;
            default: Binary<DivOperation>(ref a, aStride, ref b, bStride, ref target, n); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Binary<TOp>(ref float a, nuint aStride, ref float b, nuint bStride, ref float target, nuint n) where TOp : struct, IBinaryOperation
    {
        for (nuint i = 0; i < n; i += 8)
            TOp.Apply(Vector256.LoadUnsafe(ref a, i * aStride), Vector256.LoadUnsafe(ref b, i * bStride)).StoreUnsafe(ref target, i);
    }

    /// <summary>
    /// Where an operand's values for the block start, and the element stride between its vectors (1, or 0 for a value
    /// broadcast into the first eight floats of <paramref name="channelRow"/>, loaded again for every vector).
    /// </summary>
    private static ref float Resolve(EpilogueOperand operand, ref float row, Span<float> scratch, float[][] externals, int at, int count,
        ChannelLayout layout, bool single, Span<float> channelRow, out nuint stride)
    {
        stride = 1;
        switch (operand.Kind)
        {
            case OperandKind.Register:
                if (operand.Index == 0) return ref row;
                return ref scratch[operand.Index * Block];
            case OperandKind.Constant:
                return ref Spread(operand.Values!, channelRow, at, count, layout, single, out stride);
            default:
                return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(externals[operand.Index]), at);
        }
    }

    /// <summary>
    /// A per-channel (or single) value for each element of the block: broadcast into eight floats (stride 0) when it is
    /// one value for the whole block, else each plane's channel value filled over its elements (stride 1).
    /// </summary>
    private static ref float Spread(float[] values, Span<float> channelRow, int at, int count, ChannelLayout layout, bool single, out nuint stride)
    {
        if (values.Length == 1 || single)
        {
            stride = 0;
            channelRow[..8].Fill(values.Length == 1 ? values[0] : values[layout.ChannelOf(at)]);
            return ref channelRow[0];
        }
        stride = 1;
        for (var i = 0; i < count;)
        {
            var to = Math.Min(count, layout.PlaneEnd(at + i) - at);
            channelRow[i..to].Fill(values[layout.ChannelOf(at + i)]);
            i = to;
        }
        return ref channelRow[0];
    }

    /// <summary>Applies the steps to y[offset, offset + length) through stack copies (rows shorter than a vector).</summary>
    /// <remarks>The stack buffer is not zeroed (SkipLocalsInit): lanes past the row's end hold garbage that is computed on and never stored.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private unsafe void Chunked(float[] y, int offset, int length, int channel, float[][] externals)
    {
        var registers = Registers;
        // Registers, then two scratch rows for operands copied from constants or external tensors.
        var buffer = stackalloc float[(registers + 2) * Chunk];
        // An activation's two parameters, broadcast into eight floats each.
        var parameters = stackalloc float[16];
        for (var start = 0; start < length; start += Chunk)
        {
            var n = Math.Min(Chunk, length - start);
            var count = (nuint)(n + 7) / 8 * 8;
            y.AsSpan(offset + start, n).CopyTo(new Span<float>(buffer, n));
            for (var s = 0; s < Steps.Length; s++)
            {
                var step = Steps[s];
                var target = buffer + step.Target * Chunk;
                var a = Operand(step.A, buffer, externals, offset + start, n, channel, Chunk * registers);
                if (IsActivation(step.Code))
                {
                    new Span<float>(parameters, 8).Fill(step.Scale?[channel] ?? step.P0);
                    new Span<float>(parameters + 8, 8).Fill(step.Shift?[channel] ?? step.P1);
                    Activation(step.Code, ref *a, 1, ref *parameters, 0, ref parameters[8], 0, ref *target, count);
                    continue;
                }
                // The second operand gets the slot after the registers, so both may be copies of external rows.
                var b = Operand(step.B, buffer, externals, offset + start, n, channel, Chunk * registers + Chunk);
                Binary(step.Code, ref *a, 1, ref *b, 1, ref *target, count);
            }
            new Span<float>(buffer + Steps[^1].Target * Chunk, n).CopyTo(y.AsSpan(offset + start, n));
        }
    }

    /// <summary>A pointer to Chunk floats holding the operand for this chunk (constants and externals copied into scratch).</summary>
    private static unsafe float* Operand(EpilogueOperand operand, float* buffer, float[][] externals, int offset, int n, int channel, int scratchOffset)
    {
        switch (operand.Kind)
        {
            case OperandKind.Register:
                return buffer + operand.Index * Chunk;
            case OperandKind.Constant:
            {
                var values = operand.Values!;
                var scratch = Scratch(buffer, scratchOffset);
                new Span<float>(scratch, Chunk).Fill(values.Length == 1 ? values[0] : values[channel]);
                return scratch;
            }
            default:
            {
                var scratch = Scratch(buffer, scratchOffset);
                externals[operand.Index].AsSpan(offset, n).CopyTo(new Span<float>(scratch, n));
                return scratch;
            }
        }
    }

    private static unsafe float* Scratch(float* buffer, int offset) => buffer + offset;
}
