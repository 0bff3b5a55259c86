namespace Compression.Engine.Preprocessing.OpsetConversion;

/// <summary>
/// The version steps the converter knows, each checked against ONNX's operator changelog. A step listed as compatible
/// changed only what an existing node cannot notice: added element types, negative axes, new attributes or optional
/// inputs whose defaults keep the old behaviour, or a relaxed broadcasting rule. Steps that changed behaviour or moved
/// attributes to inputs have an adapter. Anything not listed is refused.
/// </summary>
internal static class VersionSteps
{
    private static readonly Dictionary<(string Op, int From, int To), VersionStep> Steps = Build();

    public static VersionStep? Find(string op, int from, int to) => Steps.GetValueOrDefault((op, from, to));

    /// <summary>Every known step (for documentation and tests).</summary>
    public static IEnumerable<VersionStep> All => Steps.Values;

    private static Dictionary<(string, int, int), VersionStep> Build()
    {
        var steps = new Dictionary<(string, int, int), VersionStep>();
        void Compatible(string op, params int[] versions)
        {
            for (var i = 0; i + 1 < versions.Length; i++) steps[(op, versions[i], versions[i + 1])] = new VersionStep(op, versions[i], versions[i + 1], null);
        }
        void Adapted(string op, int from, int to, Action<AdapterContext, Onnx.Protobuf.NodeProto> adapt) => steps[(op, from, to)] = new VersionStep(op, from, to, adapt);

        // Elementwise arithmetic and math: types (bfloat16, integer types) and, at 7, numpy broadcasting (the converter starts at 7).
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div" }) Compatible(op, 7, 13, 14);
        foreach (var op in new[] { "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Sqrt", "Exp", "Log", "Sigmoid", "Tanh", "Relu" }) Compatible(op, 6, 13, 14);
        Compatible("Relu", 13, 14);
        Compatible("Pow", 7, 12, 13, 15);
        Compatible("Erf", 9, 13);
        Compatible("Sign", 9, 13);
        foreach (var op in new[] { "Max", "Min" }) Compatible(op, 8, 12, 13);
        foreach (var op in new[] { "Sum", "Mean" }) Compatible(op, 8, 13);
        Compatible("LeakyRelu", 6, 16);
        Compatible("PRelu", 7, 9, 16);
        Compatible("Clip", 11, 12, 13);
        foreach (var op in new[] { "Equal" }) Compatible(op, 7, 11, 13, 19);
        foreach (var op in new[] { "Less", "Greater" }) Compatible(op, 7, 9, 13);
        foreach (var op in new[] { "LessOrEqual", "GreaterOrEqual" }) Compatible(op, 12, 16);
        Compatible("Where", 9, 16);
        Compatible("Cast", 6, 9, 13, 19, 21);
        Compatible("CastLike", 15, 19, 21);
        Compatible("Identity", 1, 13, 14, 16, 19, 21);

        // Neural-network operators: types, auto_pad/ceil_mode/dilations/storage_order with defaults that keep the old result.
        Compatible("Conv", 1, 11);
        Compatible("ConvTranspose", 1, 11);
        Compatible("MaxPool", 8, 10, 11, 12);
        Compatible("AveragePool", 7, 10, 11, 19);
        Compatible("Gemm", 7, 9, 11, 13);
        Compatible("MatMul", 9, 13);
        Compatible("BatchNormalization", 9, 14, 15);
        Compatible("LRN", 1, 13);
        Compatible("Flatten", 9, 11, 13, 21);
        foreach (var op in new[] { "LSTM", "GRU", "RNN" }) Compatible(op, 7, 14);

        // Tensor operators.
        Compatible("Concat", 4, 11, 13);
        Compatible("Reshape", 5, 13, 14, 19, 21);
        Compatible("Transpose", 1, 13, 21);
        Compatible("Gather", 1, 11, 13);
        Compatible("GatherElements", 11, 13);
        Compatible("GatherND", 11, 12, 13);
        Compatible("ScatterND", 11, 13, 16, 18);
        Compatible("ScatterElements", 11, 13, 16, 18);
        Compatible("Shape", 1, 13, 15, 19, 21);
        Compatible("Size", 1, 13, 19, 21);
        Compatible("Constant", 9, 11, 12, 13, 19, 21);
        Compatible("ConstantOfShape", 9, 20, 21);
        Compatible("Expand", 8, 13);
        Compatible("Tile", 6, 13);
        Compatible("CumSum", 11, 14);
        Compatible("NonZero", 9, 13);
        Compatible("OneHot", 9, 11);
        Compatible("DepthToSpace", 1, 11, 13);
        Compatible("SpaceToDepth", 1, 13);
        Compatible("TopK", 10, 11);
        Compatible("ArgMax", 1, 11, 12, 13);
        Compatible("ArgMin", 1, 11, 12, 13);
        Compatible("Resize", 11, 13, 18, 19);
        Compatible("Pad", 11, 13, 18, 19, 21);
        Compatible("Split", 2, 11);
        Compatible("Split", 13, 18);
        Compatible("Squeeze", 1, 11);
        Compatible("Squeeze", 13, 21);
        Compatible("Unsqueeze", 1, 11);
        Compatible("Unsqueeze", 13, 21);
        Compatible("Slice", 10, 11, 13);
        Compatible("Softmax", 1, 11);
        Compatible("LogSoftmax", 1, 11);
        Compatible("Hardmax", 1, 11);
        foreach (var op in new[] { "ReduceMean", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare" })
            Compatible(op, 1, 11, 13);
        Compatible("ReduceMax", 1, 11, 12, 13);
        Compatible("ReduceMin", 1, 11, 12, 13);
        Compatible("ReduceMax", 18, 20);
        Compatible("ReduceMin", 18, 20);
        Compatible("ReduceSum", 1, 11);
        Compatible("QuantizeLinear", 10, 13, 19, 21);
        Compatible("QLinearMatMul", 10, 21);
        Compatible("Mod", 10, 13);
        Compatible("DequantizeLinear", 10, 13, 19, 21);
        Compatible("If", 1, 11, 13, 16, 19, 21);
        Compatible("Loop", 1, 11, 13, 16, 19, 21);
        Compatible("Scan", 9, 11, 16, 19, 21);

        // Attributes that became inputs.
        Adapted("Clip", 6, 11, Adapters.ClipBoundsToInputs);
        Adapted("Slice", 1, 10, Adapters.SliceAttributesToInputs);
        Adapted("Pad", 2, 11, Adapters.PadAttributesToInputs);
        Adapted("Split", 11, 13, (c, n) => Adapters.AttributeToInput(c, n, "split", position: 1));
        Adapted("Squeeze", 11, 13, (c, n) => Adapters.AttributeToInput(c, n, "axes", position: 1));
        Adapted("Unsqueeze", 11, 13, (c, n) => Adapters.AttributeToInput(c, n, "axes", position: 1));
        Adapted("ReduceSum", 11, 13, (c, n) => Adapters.AttributeToInput(c, n, "axes", position: 1));
        foreach (var op in new[] { "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare" })
            Adapted(op, 13, 18, (c, n) => Adapters.AttributeToInput(c, n, "axes", position: 1));
        Adapted("TopK", 1, 10, (c, n) => Adapters.AttributeToInput(c, n, "k", position: 1, required: true));
        // Dropout is the identity at inference; its mask changed type at 10 and its ratio became an input at 12.
        Adapted("Dropout", 7, 10, Adapters.DropoutToIdentity);
        Adapted("Dropout", 10, 12, Adapters.DropoutToIdentity);
        Compatible("Dropout", 12, 13);

        // Behaviour that changed.
        Adapted("Softmax", 11, 13, Adapters.CoercedSoftmax);
        Adapted("LogSoftmax", 11, 13, Adapters.CoercedSoftmax);
        Adapted("Hardmax", 11, 13, Adapters.CoercedSoftmax);
        Adapted("BatchNormalization", 7, 9, Adapters.BatchNormalizationDropsSpatial);
        return steps;
    }
}
