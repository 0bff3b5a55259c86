using Compression.Evaluation.Execution;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Fusion;

/// <summary>
/// Finds, at plan time, the elementwise nodes after each Conv that can run as its <see cref="Epilogue"/>: Add, Sub,
/// Mul, Div (with a constant scalar or per-channel operand, or a tensor already computed before the Conv), Relu, Clip,
/// HardSigmoid and BatchNormalization with constant statistics. A group is kept only if every value inside it is read
/// by the group alone and is no graph output, so moving the nodes up to the Conv changes nothing another node sees.
/// </summary>
internal static class ConvFusion
{
    /// <summary>How far past the Conv to look for members (the hard-swish pattern needs four).</summary>
    private const int Window = 8;

    public static Dictionary<int, FusedGroup> Find(IReadOnlyList<PlanStep> steps, IReadOnlyDictionary<string, Tensor> constants,
        IReadOnlyDictionary<string, int> readers, IReadOnlySet<string> pinned)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
            foreach (var o in steps[i].Node.Output)
                if (o.Length > 0) producer[o] = i;
        var groups = new Dictionary<int, FusedGroup>();
        var claimed = new HashSet<int>();
        for (var i = 0; i < steps.Count; i++)
        {
            var conv = steps[i].Node;
            if (conv.OpType != "Conv" || conv.Domain.Length != 0 || conv.Output.Count != 1 || conv.Input.Count < 2
                || !constants.TryGetValue(conv.Input[1], out var weight) || weight.ElementType != DataType.Float)
                continue;
            if (Build(steps, i, weight.Rank, constants, readers, pinned, producer, claimed) is { } group)
            {
                groups[i] = group;
                foreach (var m in group.Members) claimed.Add(m);
            }
        }
        return groups;
    }

    private static FusedGroup? Build(IReadOnlyList<PlanStep> steps, int convIndex, int rank, IReadOnlyDictionary<string, Tensor> constants,
        IReadOnlyDictionary<string, int> readers, IReadOnlySet<string> pinned, Dictionary<string, int> producer, HashSet<int> claimed)
    {
        var register = new Dictionary<string, int>(StringComparer.Ordinal) { [steps[convIndex].Node.Output[0]] = 0 };
        var externals = new List<string>();
        var members = new List<int>();
        var program = new List<EpilogueStep>();
        for (var j = convIndex + 1; j < steps.Count && j <= convIndex + Window; j++)
        {
            var node = steps[j].Node;
            if (!node.Input.Any(register.ContainsKey)) continue;
            if (claimed.Contains(j) || node.Domain.Length != 0 || node.Output.Count != 1 || steps[j].ImplicitInputs.Count > 0) break;
            var externalCount = externals.Count;
            EpilogueOperand? Resolve(string name)
            {
                if (register.TryGetValue(name, out var r)) return EpilogueOperand.Register(r);
                if (constants.ContainsKey(name)) return null; // constants are read by each step's own rule
                if (producer.TryGetValue(name, out var p) && p > convIndex) return null;
                var index = externals.IndexOf(name);
                if (index < 0) { externals.Add(name); index = externals.Count - 1; }
                return EpilogueOperand.External(index);
            }
            var step = Translate(steps[j], register.Count, rank, constants, Resolve);
            if (step is null)
            {
                externals.RemoveRange(externalCount, externals.Count - externalCount);
                break;
            }
            program.Add(step);
            members.Add(j);
            register[node.Output[0]] = register.Count;
        }

        // The longest prefix whose inner values (all but the last member's output) are read only inside it.
        for (var length = members.Count; length >= 1; length--)
        {
            var inside = new[] { convIndex }.Concat(members.Take(length)).ToList();
            var inner = inside.Take(inside.Count - 1).Select(s => steps[s].Node.Output[0]);
            if (!inner.All(v => !pinned.Contains(v) && readers.GetValueOrDefault(v) == inside.Count(s => steps[s].Node.Input.Contains(v))))
                continue;
            var used = program.Take(length).SelectMany(s => new[] { s.A, s.B }).Where(o => o.Kind == OperandKind.External)
                .Select(o => o.Index).DefaultIfEmpty(-1).Max() + 1;
            return new FusedGroup(new Epilogue(program.Take(length).ToList(), used), members.Take(length).ToArray(),
                externals.Take(used).ToArray(), steps[members[length - 1]].Node.Output[0]);
        }
        return null;
    }

    /// <summary>One node as an epilogue step writing register <paramref name="target"/>, or null if it cannot be one.</summary>
    private static EpilogueStep? Translate(PlanStep step, int target, int rank, IReadOnlyDictionary<string, Tensor> constants,
        Func<string, EpilogueOperand?> resolve)
    {
        var node = step.Node;
        var attributes = new NodeAttributes(node);
        EpilogueOperand? Operand(int i)
        {
            var name = node.Input[i];
            if (constants.TryGetValue(name, out var c)) return ChannelConstant(c, rank) is { } values ? EpilogueOperand.Constant(values) : null;
            return resolve(name);
        }
        EpilogueOperand? Unary() => node.Input.Count >= 1 && !constants.ContainsKey(node.Input[0]) ? resolve(node.Input[0]) : null;
        switch (node.OpType)
        {
            case "Add" or "Sub" or "Mul" or "Div" when step.Version >= 7 && node.Input.Count == 2:
            {
                if (Operand(0) is not { } a || Operand(1) is not { } b) return null;
                if (a.Kind != OperandKind.Register && b.Kind != OperandKind.Register) return null;
                var code = node.OpType switch { "Add" => EpilogueCode.Add, "Sub" => EpilogueCode.Sub, "Mul" => EpilogueCode.Mul, _ => EpilogueCode.Div };
                return new EpilogueStep(code, target, a, b);
            }
            case "Relu":
                return Unary() is { } x ? new EpilogueStep(EpilogueCode.Relu, target, x, default) : null;
            case "HardSigmoid" when step.Version == 6:
                return Unary() is { } h
                    ? new EpilogueStep(EpilogueCode.HardSigmoid, target, h, default, attributes.GetFloat("alpha", 0.2f), attributes.GetFloat("beta", 0.5f))
                    : null;
            case "Clip":
            {
                if (Unary() is not { } source) return null;
                float lo, hi;
                if (step.Version < 11)
                {
                    lo = attributes.GetFloat("min", float.MinValue);
                    hi = attributes.GetFloat("max", float.MaxValue);
                }
                else
                {
                    // An absent bound is never crossed, exactly as ±infinity is never crossed by a comparison.
                    if (Bound(node, 1, constants, float.NegativeInfinity) is not { } l || Bound(node, 2, constants, float.PositiveInfinity) is not { } u)
                        return null;
                    (lo, hi) = (l, u);
                }
                return new EpilogueStep(EpilogueCode.Clip, target, source, default, lo, hi);
            }
            case "BatchNormalization" when step.Version >= 9 && node.Input.Count == 5:
            {
                if (Unary() is not { } normalized || attributes.GetInt("training_mode", 0) != 0) return null;
                var parameters = new float[4][];
                for (var i = 0; i < 4; i++)
                {
                    if (!constants.TryGetValue(node.Input[i + 1], out var t) || t.ElementType != DataType.Float) return null;
                    parameters[i] = (float[])t.Data;
                }
                if (parameters.Any(p => p.Length != parameters[0].Length)) return null;
                var (scale, shift) = BatchNormalization.Coefficients(parameters[0], parameters[1], parameters[2], parameters[3],
                    attributes.GetFloat("epsilon", 1e-5f));
                return new EpilogueStep(EpilogueCode.Affine, target, normalized, default, Scale: scale, Shift: shift);
            }
            default:
                return null;
        }
    }

    private static float? Bound(NodeProto node, int index, IReadOnlyDictionary<string, Tensor> constants, float absent)
    {
        if (index >= node.Input.Count || node.Input[index].Length == 0) return absent;
        return constants.TryGetValue(node.Input[index], out var t) && t is { ElementType: DataType.Float, Length: 1 } ? ((float[])t.Data)[0] : null;
    }

    /// <summary>
    /// A float constant that broadcasts against [N, C, …] of rank <paramref name="rank"/> without growing it and varies
    /// at most along C: its values (one, or one per channel), else null.
    /// </summary>
    private static float[]? ChannelConstant(Tensor c, int rank)
    {
        if (c.ElementType != DataType.Float || c.Rank > rank || c.Length == 0) return null;
        var channels = 1;
        for (var i = 0; i < c.Rank; i++)
        {
            var axis = rank - c.Rank + i;
            if (axis == 1) channels = c.Shape[i];
            else if (c.Shape[i] != 1) return null;
        }
        var data = (float[])c.Data;
        return channels == 1 ? [data[0]] : data[..channels];
    }
}

/// <summary>A Conv's fused group: its epilogue, the plan steps it replaces, the tensors it reads, and the value it produces.</summary>
internal sealed record FusedGroup(Epilogue Epilogue, int[] Members, string[] Externals, string Output);
