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
        if (inferred >= 0 && input?.Shape is { } inShape)
        {
            var total = TensorValues.Product(inShape);
            var rest = TensorValues.Product(dims.Where((_, i) => i != inferred).ToArray());
            if (total.IsKnown && rest.IsKnown && rest.Value != 0) dims[inferred] = total.Value / rest.Value;
            else if (input.Shape.Length == dims.Length && SameSymbolsElsewhere(input.Shape, dims, inferred))
                dims[inferred] = input.Shape[inferred];
        }
        return [new ValueInfo(type, dims)];
    }

    /// <summary>When every other dimension equals the input's, the inferred one equals the input's too.</summary>
    private static bool SameSymbolsElsewhere(Dim[] input, Dim[] output, int skip)
    {
        for (var i = 0; i < input.Length; i++)
            if (i != skip && input[i] != output[i]) return false;
        return true;
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
