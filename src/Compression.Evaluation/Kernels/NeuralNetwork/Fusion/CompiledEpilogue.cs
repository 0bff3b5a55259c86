using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Compression.Evaluation.Kernels.Elementwise;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

/// <summary>
/// What a compiled epilogue reads for one block: the output row (register 0, overwritten with the result), up to two
/// external operand rows at the same index, and the channel values (one row of <see cref="CompiledEpilogue.SlotSize"/>
/// floats per slot: eight copies of the value when the block is one channel, <see cref="Stride"/> 0; else one value per
/// element, stride 1).
/// </summary>
internal unsafe struct EpilogueFrame
{
    public float* Row;
    public float* External0;
    public float* External1;
    public float* Channel;
    public nuint Stride;
}

/// <summary>A node of a compiled epilogue: the eight values at element i of the block.</summary>
internal interface IVectorExpression
{
    Vector256<float> At(in EpilogueFrame frame, nuint i);
}

/// <summary>
/// An <see cref="Epilogue"/> turned into nested generic structs at plan time, so the JIT inlines the whole chain into
/// one loop that keeps every intermediate in registers: one load of each operand and one store per vector, instead of a
/// pass per step through stack rows. A register read twice (x·HardSigmoid(x)) is the same subtree twice; the same
/// operations on the same inputs give the same bits, so the result is each element's chain of the unfused kernels.
/// </summary>
internal abstract class CompiledEpilogue
{
    /// <summary>Floats per channel-value slot in <see cref="EpilogueFrame.Channel"/> (a block's length at most).</summary>
    public const int SlotSize = 256;

    /// <summary>Per slot: the per-channel values it holds.</summary>
    public abstract float[][] Slots { get; }

    /// <summary>Elements [0, count) of the frame's row (count a multiple of 8), in place.</summary>
    public abstract void Run(ref EpilogueFrame frame, nuint count);
}

internal sealed class CompiledEpilogue<T>(T root, float[][] slots) : CompiledEpilogue where T : struct, IVectorExpression
{
    private T _root = root;

    public override float[][] Slots { get; } = slots;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override unsafe void Run(ref EpilogueFrame frame, nuint count)
    {
        // Locals, so the JIT can keep the pointers and node constants in registers (a store through a pointer could
        // otherwise alias the fields it reads, forcing reloads every vector).
        var local = frame;
        var root = _root;
        var row = local.Row;
        // Every read of element i happens in At before its store: in place is safe.
        for (nuint i = 0; i < count; i += 8) root.At(in local, i).Store(row + i);
    }
}

internal struct RowValue : IVectorExpression
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe Vector256<float> At(in EpilogueFrame frame, nuint i) => Vector256.Load(frame.Row + i);
}

internal struct External0Value : IVectorExpression
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe Vector256<float> At(in EpilogueFrame frame, nuint i) => Vector256.Load(frame.External0 + i);
}

internal struct External1Value : IVectorExpression
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe Vector256<float> At(in EpilogueFrame frame, nuint i) => Vector256.Load(frame.External1 + i);
}

/// <summary>One value for the whole tensor.</summary>
internal struct ScalarValue : IVectorExpression
{
    public Vector256<float> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector256<float> At(in EpilogueFrame frame, nuint i) => Value;
}

/// <summary>A value per channel, from its slot of the frame.</summary>
internal struct ChannelValue : IVectorExpression
{
    public nuint Offset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe Vector256<float> At(in EpilogueFrame frame, nuint i) => Vector256.Load(frame.Channel + Offset + i * frame.Stride);
}

/// <summary>Nothing: the parameters of an activation that takes none (Relu), never read.</summary>
internal struct NoValue : IVectorExpression
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector256<float> At(in EpilogueFrame frame, nuint i) => default;
}

/// <summary>A binary elementwise kernel's own vector body (<see cref="AddOperation"/>, …) over two subtrees.</summary>
internal struct BinaryNode<TOp, TA, TB> : IVectorExpression
    where TOp : struct, IBinaryOperation where TA : struct, IVectorExpression where TB : struct, IVectorExpression
{
    public TA A;
    public TB B;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> At(in EpilogueFrame frame, nuint i) => TOp.Apply(A.At(in frame, i), B.At(in frame, i));
}

/// <summary>
/// An activation kernel's own vector body (<see cref="ReluOperation"/>, <see cref="ClipOperation"/>,
/// <see cref="HardSigmoidOperation"/>, <see cref="AffineOperation"/>) over a subtree, its two parameters scalars,
/// per-channel values or nothing.
/// </summary>
internal struct ActivationNode<TOp, TA, TP, TQ> : IVectorExpression
    where TOp : struct, IActivationVector where TA : struct, IVectorExpression where TP : struct, IVectorExpression where TQ : struct, IVectorExpression
{
    public TA A;
    public TP P;
    public TQ Q;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> At(in EpilogueFrame frame, nuint i) => TOp.Apply(A.At(in frame, i), P.At(in frame, i), Q.At(in frame, i));
}
