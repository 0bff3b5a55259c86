using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    public Epilogue(IReadOnlyList<EpilogueStep> steps, int externals)
    {
        Steps = steps.ToArray();
        Externals = externals;
    }

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

    /// <summary>Applies the steps to y[offset, offset + length), all in channel <paramref name="channel"/>; the result replaces y.</summary>
    /// <remarks>The stack buffer is not zeroed (SkipLocalsInit): lanes past the row's end hold garbage that is computed on and never stored.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    public unsafe void Apply(float[] y, int offset, int length, int channel, float[][] externals)
    {
        var registers = Registers;
        // Registers, then two scratch rows for operands copied from constants or external tensors.
        var buffer = stackalloc float[(registers + 2) * Chunk];
        for (var start = 0; start < length; start += Chunk)
        {
            var n = Math.Min(Chunk, length - start);
            var vectors = (n + 7) / 8;
            y.AsSpan(offset + start, n).CopyTo(new Span<float>(buffer, n));
            for (var s = 0; s < Steps.Length; s++)
            {
                var step = Steps[s];
                var target = buffer + step.Target * Chunk;
                var a = Operand(step.A, buffer, externals, offset + start, n, channel, Chunk * registers);
                switch (step.Code)
                {
                    case EpilogueCode.Relu:
                        for (var v = 0; v < vectors; v++)
                        {
                            var x = Vector256.Load(a + v * 8);
                            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x).Store(target + v * 8);
                        }
                        break;
                    case EpilogueCode.Clip:
                    {
                        var lo = Vector256.Create(step.P0);
                        var hi = Vector256.Create(step.P1);
                        for (var v = 0; v < vectors; v++)
                        {
                            var x = Vector256.Load(a + v * 8);
                            x = Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, x);
                            Vector256.ConditionalSelect(Vector256.GreaterThan(x, hi), hi, x).Store(target + v * 8);
                        }
                        break;
                    }
                    case EpilogueCode.HardSigmoid:
                    {
                        var alpha = Vector256.Create(step.P0);
                        var beta = Vector256.Create(step.P1);
                        var one = Vector256.Create(1f);
                        for (var v = 0; v < vectors; v++)
                        {
                            var x = alpha * Vector256.Load(a + v * 8) + beta;
                            x = Vector256.ConditionalSelect(Vector256.GreaterThan(x, one), one, x);
                            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x).Store(target + v * 8);
                        }
                        break;
                    }
                    case EpilogueCode.Affine:
                    {
                        var scale = Vector256.Create(step.Scale![channel]);
                        var shift = Vector256.Create(step.Shift![channel]);
                        for (var v = 0; v < vectors; v++)
                            Vector256.FusedMultiplyAdd(Vector256.Load(a + v * 8), scale, shift).Store(target + v * 8);
                        break;
                    }
                    default:
                    {
                        // The second operand gets the slot after the registers, so both may be copies of external rows.
                        var b = Operand(step.B, buffer, externals, offset + start, n, channel, Chunk * registers + Chunk);
                        Binary(step.Code, a, b, target, vectors);
                        break;
                    }
                }
            }
            new Span<float>(buffer + Steps[^1].Target * Chunk, n).CopyTo(y.AsSpan(offset + start, n));
        }
    }

    private static unsafe void Binary(EpilogueCode code, float* a, float* b, float* target, int vectors)
    {
        for (var v = 0; v < vectors; v++)
        {
            var x = Vector256.Load(a + v * 8);
            var z = Vector256.Load(b + v * 8);
            var r = code switch
            {
                EpilogueCode.Add => x + z,
                EpilogueCode.Sub => x - z,
                EpilogueCode.Mul => x * z,
                _ => x / z,
            };
            r.Store(target + v * 8);
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
