using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>
/// Registers the elementwise kernels: one line per operator, listing the operator versions it implements. Versions 1
/// (and 6 where it still had them) of most operators carry the legacy 'consumed_inputs' attribute and are not registered,
/// except where the backend suite has cases and the legacy semantics are implemented (Pow 1 and Add/Sub/Mul/Div 6 with
/// the legacy broadcast/axis attributes). Not, Softplus and Softsign have only version 1.
/// </summary>
internal static class ElementwiseKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("Add", new BinaryKernel<AddOperation>(), 6, 7, 13, 14);
        registry.Add("Sub", new BinaryKernel<SubOperation>(), 6, 7, 13, 14);
        registry.Add("Mul", new BinaryKernel<MulOperation>(), 6, 7, 13, 14);
        registry.Add("Div", new BinaryKernel<DivOperation>(), 6, 7, 13, 14);
        registry.Add("Pow", new Pow(), 1, 7, 12, 13, 15);

        registry.Add("Relu", new UnaryKernel<ReluOperation>(), 6, 13, 14);
        registry.Add("LeakyRelu", new UnaryKernel<LeakyReluOperation>(alpha: 0.01f), 6, 16);
        registry.Add("PRelu", new PRelu(), 6, 7, 9, 16);
        registry.Add("Elu", new UnaryKernel<EluOperation>(alpha: 1f), 6);
        registry.Add("Selu", new UnaryKernel<SeluOperation>(alpha: 1.67326319217681884765625f, gamma: 1.05070102214813232421875f), 6);
        registry.Add("Sigmoid", new UnaryKernel<SigmoidOperation>(), 6, 13);
        registry.Add("HardSigmoid", new UnaryKernel<HardSigmoidOperation>(alpha: 0.2f, beta: 0.5f), 6);
        registry.Add("HardSwish", new UnaryKernel<HardSwishOperation>(), 14);
        registry.Add("Tanh", new UnaryKernel<TanhOperation>(), 6, 13);
        registry.Add("Erf", new UnaryKernel<ErfOperation>(), 9, 13);
        registry.Add("Exp", new UnaryKernel<ExpOperation>(), 6, 13);
        registry.Add("Log", new UnaryKernel<LogOperation>(), 6, 13);
        registry.Add("Sqrt", new UnaryKernel<SqrtOperation>(), 6, 13);
        registry.Add("Neg", new UnaryKernel<NegOperation>(), 6, 13);
        registry.Add("Abs", new UnaryKernel<AbsOperation>(), 6, 13);
        registry.Add("Reciprocal", new UnaryKernel<ReciprocalOperation>(), 6, 13);
        registry.Add("Floor", new UnaryKernel<FloorOperation>(), 6, 13);
        registry.Add("Ceil", new UnaryKernel<CeilOperation>(), 6, 13);
        registry.Add("Round", new UnaryKernel<RoundOperation>(), 11);
        registry.Add("Sign", new UnaryKernel<SignOperation>(), 9, 13);
        registry.Add("Softplus", new UnaryKernel<SoftplusOperation>(), 1);
        registry.Add("Softsign", new UnaryKernel<SoftsignOperation>(), 1);
        registry.Add("Clip", new Clip(), 6, 11, 12, 13);

        registry.Add("Cast", new Cast(), 6, 9, 13, 19, 21);
        registry.Add("CastLike", new Cast(like: true), 15, 19, 21);

        registry.Add("Equal", new ComparisonKernel<EqualOperation>(), 7, 11, 13, 19);
        registry.Add("Less", new ComparisonKernel<LessOperation>(), 7, 9, 13);
        registry.Add("LessOrEqual", new ComparisonKernel<LessOrEqualOperation>(), 12, 16);
        registry.Add("Greater", new ComparisonKernel<GreaterOperation>(), 7, 9, 13);
        registry.Add("GreaterOrEqual", new ComparisonKernel<GreaterOrEqualOperation>(), 12, 16);
        registry.Add("Not", new Not(), 1);
        registry.Add("And", new LogicalKernel<AndOperation>(), 7);
        registry.Add("Or", new LogicalKernel<OrOperation>(), 7);
        registry.Add("Xor", new LogicalKernel<XorOperation>(), 7);
        registry.Add("Where", new Where(), 9, 16);

        registry.Add("Min", new VariadicKernel<MinOperation>(), 6, 8, 12, 13);
        registry.Add("Max", new VariadicKernel<MaxOperation>(), 6, 8, 12, 13);
        registry.Add("Sum", new VariadicKernel<AddOperation>(), 6, 8, 13);
        registry.Add("Mean", new VariadicKernel<AddOperation>(mean: true), 6, 8, 13);
    }
}
