using System.Runtime.Intrinsics;
using Compression.Evaluation.Kernels.Elementwise;

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
                    return operand.Values!.Length == 1 ? Scalar(operand.Values[0]) : Channel(operand.Values);
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
                    return Node(typeof(BinaryNode<,,>), typeof(AddOperation), ("A", (typeof(RowValue), new RowValue())), ("B", Channel(null)));
            }
        }

        (Type Type, object Value)? Step(EpilogueStep step)
        {
            var a = Operand(step.A);
            if (a is null) return null;
            switch (step.Code)
            {
                case EpilogueCode.Relu:
                    return Node(typeof(ActivationNode<,,,>), typeof(ReluOperation), ("A", a), ("P", None), ("Q", None));
                case EpilogueCode.Clip:
                    return Node(typeof(ActivationNode<,,,>), typeof(ClipOperation), ("A", a), ("P", Scalar(step.P0)), ("Q", Scalar(step.P1)));
                case EpilogueCode.HardSigmoid:
                    return Node(typeof(ActivationNode<,,,>), typeof(HardSigmoidOperation), ("A", a), ("P", Scalar(step.P0)), ("Q", Scalar(step.P1)));
                case EpilogueCode.Affine:
                    return Node(typeof(ActivationNode<,,,>), typeof(AffineOperation), ("A", a), ("P", Channel(step.Scale!)), ("Q", Channel(step.Shift!)));
                default:
                    return Node(typeof(BinaryNode<,,>), BinaryOperation(step.Code), ("A", a), ("B", Operand(step.B)));
            }
        }

        var root = Step(steps[^1]);
        if (root is not { } r) return null;
        var runner = typeof(CompiledEpilogue<>).MakeGenericType(r.Type);
        return (CompiledEpilogue)Activator.CreateInstance(runner, r.Value, slots.ToArray())!;
    }

    private static readonly (Type Type, object Value)? None = (typeof(NoValue), new NoValue());

    private static (Type Type, object Value)? Scalar(float value) => (typeof(ScalarValue), new ScalarValue { Value = Vector256.Create(value) });

    /// <summary>The elementwise kernel's operation struct for a binary step.</summary>
    internal static Type BinaryOperation(EpilogueCode code) => code switch
    {
        EpilogueCode.Add => typeof(AddOperation),
        EpilogueCode.Sub => typeof(SubOperation),
        EpilogueCode.Mul => typeof(MulOperation),
        EpilogueCode.Div => typeof(DivOperation),
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a binary step"),
    };

    /// <summary>
    /// <paramref name="definition"/> made concrete over the operation struct and the operands' types, each operand set
    /// into its field; null if any operand did not compile.
    /// </summary>
    private static (Type Type, object Value)? Node(Type definition, Type operation, params (string Field, (Type Type, object Value)? Operand)[] operands)
    {
        if (operands.Any(o => o.Operand is null)) return null;
        var type = definition.MakeGenericType([operation, .. operands.Select(o => o.Operand!.Value.Type)]);
        var value = Activator.CreateInstance(type)!;
        foreach (var (field, operand) in operands) type.GetField(field)!.SetValue(value, operand!.Value.Value);
        return (type, value);
    }
}
