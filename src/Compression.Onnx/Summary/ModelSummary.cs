namespace Compression.Onnx.Summary;

/// <summary>A model input or output: name, element type and shape (a dimension is a number, a symbol, or "?").</summary>
public sealed record ValueSummary(string Name, string ElementType, IReadOnlyList<string> Shape);

/// <summary>Weight bytes of one element type, with the number of tensors and elements behind them.</summary>
public sealed record ElementTypeBytes(string ElementType, int Tensors, long Elements, long Bytes);

/// <summary>
/// What <c>modelc inspect</c> prints and the compression report builds on. <see cref="Parameters"/> is the element
/// count of every initializer (dense and sparse) and every Constant-node tensor, in the main graph and all subgraphs.
/// <see cref="Macs"/> sums Conv, ConvTranspose, Gemm and MatMul over the nodes whose shapes are known; the count of
/// such nodes and of all of them says how complete it is.
/// </summary>
public sealed record ModelSummary(
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    IReadOnlyDictionary<string, long> Opsets,
    long Parameters,
    long WeightBytes,
    IReadOnlyList<ElementTypeBytes> BytesByElementType,
    int Nodes,
    int Subgraphs,
    IReadOnlyDictionary<string, int> Operators,
    long Macs,
    int MacNodesKnown,
    int MacNodesTotal,
    IReadOnlyList<ValueSummary> Inputs,
    IReadOnlyList<ValueSummary> Outputs)
{
    /// <summary>The shapes given to inputs with dynamic dimensions for the costs, and where each came from; empty when every input's shape is declared.</summary>
    public IReadOnlyList<InputCostShape> CostShapes { get; init; } = [];

    /// <summary>Bytes of the computed tensors (activations) of one inference with those shapes, each written once; 0 when shapes are not inferred.</summary>
    public long ActivationBytes { get; init; }

}
