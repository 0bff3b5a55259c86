using System.Runtime.Intrinsics;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

/// <summary>
/// Builds a <see cref="CompiledEpilogue"/> from an epilogue's steps: the result register as a tree of
/// <see cref="IVectorExpression"/> structs (register 0 is the output row, plus the bias when there is one), made
/// concrete with MakeGenericType once per plan. Null when the program does not fit: more than two external operands,
/// or a tree grown too large by registers read many times (the step-by-step path then runs it).
/// </summary>
internal static class EpilogueCompiler
{
    /// <summary>Largest tree compiled: a register read twice is copied, so chains that reuse values grow quickly.</summary>
    private const int MaxNodes = 48;

    /// <param name="bias">Whether register 0 is the output plus a per-channel bias (the slot whose values are null: the run's bias).</param>
    public static CompiledEpilogue? Compile(IReadOnlyList<EpilogueStep> steps, bool bias)
    {
        if (steps.Count == 0) return null;
        var slots = new List<float[]?>();
        var nodes = 0;
        var producers = steps.ToDictionary(s => s.Target);

        (Type Type, object Value)? Channel(float[]? values)
        {
            slots.Add(values);
            return (typeof(ChannelValue), new ChannelValue { Offset = (nuint)((slots.Count - 1) * CompiledEpilogue.SlotSize) });
        }

        (Type Type, object Value)? Operand(EpilogueOperand operand)
        {
            if (++nodes > MaxNodes) return null;
            switch (operand.Kind)
            {
                case OperandKind.Constant:
                    return operand.Values!.Length == 1
                        ? (typeof(ScalarValue), new ScalarValue { Value = Vector256.Create(operand.Values[0]) })
                        : Channel(operand.Values);
                case OperandKind.External:
                    return operand.Index switch
                    {
                        0 => (typeof(External0Value), new External0Value()),
                        1 => (typeof(External1Value), new External1Value()),
                        _ => null,
                    };
                default:
                    if (operand.Index != 0) return producers.TryGetValue(operand.Index, out var step) ? Step(step) : null;
                    if (!bias) return (typeof(RowValue), new RowValue());
                    return Node(typeof(AddNode<,>), (typeof(RowValue), new RowValue()), Channel(null));
            }
        }

        (Type Type, object Value)? Step(EpilogueStep step)
        {
            var a = Operand(step.A);
            if (a is null) return null;
            switch (step.Code)
            {
                case EpilogueCode.Relu:
                    return Node(typeof(ReluNode<>), a);
                case EpilogueCode.Clip:
                    return Node(typeof(ClipNode<>), a, ("Low", Vector256.Create(step.P0)), ("High", Vector256.Create(step.P1)));
                case EpilogueCode.HardSigmoid:
                    return Node(typeof(HardSigmoidNode<>), a, ("Alpha", Vector256.Create(step.P0)), ("Beta", Vector256.Create(step.P1)));
                case EpilogueCode.Affine:
                {
                    var scale = Channel(step.Scale!)!.Value.Value;
                    var shift = Channel(step.Shift!)!.Value.Value;
                    return Node(typeof(AffineNode<>), a, ("Scale", scale), ("Shift", shift));
                }
                default:
                {
                    var b = Operand(step.B);
                    if (b is null) return null;
                    var definition = step.Code switch
                    {
                        EpilogueCode.Add => typeof(AddNode<,>),
                        EpilogueCode.Sub => typeof(SubNode<,>),
                        EpilogueCode.Mul => typeof(MulNode<,>),
                        _ => typeof(DivNode<,>),
                    };
                    return Node(definition, a, b);
                }
            }
        }

        var root = Step(steps[^1]);
        if (root is not { } r) return null;
        var runner = typeof(CompiledEpilogue<>).MakeGenericType(r.Type);
        return (CompiledEpilogue)Activator.CreateInstance(runner, r.Value, slots.ToArray())!;
    }

    /// <summary>A unary node over <paramref name="a"/> with the given extra fields.</summary>
    private static (Type Type, object Value)? Node(Type definition, (Type Type, object Value)? a, params (string Name, object Value)[] fields)
    {
        if (a is not { } operand) return null;
        var type = definition.MakeGenericType(operand.Type);
        var value = Activator.CreateInstance(type)!;
        type.GetField("A")!.SetValue(value, operand.Value);
        foreach (var (name, field) in fields) type.GetField(name)!.SetValue(value, field);
        return (type, value);
    }

    /// <summary>A binary node over <paramref name="a"/> and <paramref name="b"/>.</summary>
    private static (Type Type, object Value)? Node(Type definition, (Type Type, object Value)? a, (Type Type, object Value)? b)
    {
        if (a is not { } left || b is not { } right) return null;
        var type = definition.MakeGenericType(left.Type, right.Type);
        var value = Activator.CreateInstance(type)!;
        type.GetField("A")!.SetValue(value, left.Value);
        type.GetField("B")!.SetValue(value, right.Value);
        return (type, value);
    }
}
