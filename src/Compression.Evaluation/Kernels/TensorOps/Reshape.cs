using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// Reshape (1 with the <c>shape</c> attribute; 5, 13, 14 with the shape input): 0 copies the input's dimension
/// (unless allowzero = 1, version 14, makes it a real 0), one -1 takes what is left. The output shares the input's array.
/// </summary>
internal sealed class Reshape : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var input = context.Input(0);
        var type = input?.ElementType ?? default;
        var requested = context.OperatorVersion < 5 ? context.Attributes.GetInts("shape") : TensorValues.ConstantLongs(context, 1);
        if (requested is null)
        {
            var shapeOfShape = context.Input(1)?.Shape;
            return [new ValueInfo(type, shapeOfShape is [{ IsKnown: true } n] ? TensorValues.Unknown((int)n.Value) : null)];
        }
        var allowZero = context.OperatorVersion >= 14 && context.Attributes.GetInt("allowzero", 0) != 0;
        var dims = new Dim[requested.Length];
        var inferred = -1;
        for (var i = 0; i < dims.Length; i++)
        {
            if (requested[i] == -1) { inferred = i; dims[i] = Dim.Unknown; }
            else if (requested[i] == 0 && !allowZero)
                dims[i] = input?.Shape is { } s && i < s.Length ? s[i] : Dim.Unknown;
            else dims[i] = requested[i];
        }
        if (inferred >= 0 && input?.Shape is { } inShape) dims[inferred] = InferredExtent(inShape, dims, inferred);
        return [new ValueInfo(type, dims)];
    }

    /// <summary>
    /// The -1 extent: the input's element count over the other output extents, after cancelling the symbolic
    /// dimensions both share (so [N, 4, 5] to [0, -1] gives [N, 20]).
    /// </summary>
    private static Dim InferredExtent(Dim[] input, Dim[] output, int skip)
    {
        var remaining = input.ToList();
        long outer = 1;
        for (var i = 0; i < output.Length; i++)
        {
            if (i == skip) continue;
            var d = output[i];
            if (d.IsKnown) outer *= d.Value;
            else if (d.Symbol is not null && remaining.FindIndex(r => !r.IsKnown && r.Symbol == d.Symbol) is var at and >= 0)
                remaining.RemoveAt(at);
            else return Dim.Unknown;
        }
        long total = 1;
        foreach (var d in remaining)
        {
            if (!d.IsKnown) return Dim.Unknown;
            total *= d.Value;
        }
        return outer != 0 && total % outer == 0 ? total / outer : Dim.Unknown;
    }

    public void Execute(KernelContext context)
    {
        var input = context.Input(0);
        var requested = context.OperatorVersion < 5
            ? context.Attributes.GetInts("shape") ?? throw context.Fail("the shape attribute is missing")
            : TensorValues.Longs(context, 1) ?? throw context.Fail("the shape input is missing");
        var allowZero = context.OperatorVersion >= 14 && context.Attributes.GetInt("allowzero", 0) != 0;
        context.SetOutput(0, input.WithShape(OutputShape(input.Shape, requested, allowZero, context.Fail)));
    }

    internal static int[] OutputShape(int[] input, long[] requested, bool allowZero, Func<string, KernelException> fail)
    {
        var shape = new int[requested.Length];
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            var d = requested[i];
            if (d == -1)
            {
                if (inferred >= 0) throw fail("the shape has more than one -1");
                inferred = i;
                continue;
            }
            if (d == 0 && !allowZero)
            {
                if (i >= input.Length) throw fail($"shape entry {i} is 0 but the input has rank {input.Length}");
                d = input[i];
            }
            if (d < 0) throw fail($"shape entry {d} is invalid");
            shape[i] = checked((int)d);
            known *= d;
        }
        var count = ShapeMath.ElementCount(input);
        if (inferred >= 0)
        {
            if (known == 0 || count % known != 0)
                throw fail($"cannot reshape {ShapeMath.Format(input)} to [{string.Join(", ", requested)}]");
            shape[inferred] = (int)(count / known);
        }
        else if (known != count)
            throw fail($"cannot reshape {ShapeMath.Format(input)} ({count} elements) to {ShapeMath.Format(shape)}");
        return shape;
    }
}
