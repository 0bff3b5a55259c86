namespace Compression.Onnx.Checking;

/// <summary>
/// The ids of the checker's rules. They are part of the contract (tests and tools match on them), so they never change
/// meaning; a new rule gets a new id.
/// </summary>
public static class CheckRules
{
    /// <summary>ir_version missing, not positive, or newer than the format this build knows.</summary>
    public const string IrVersion = "ir-version";
    /// <summary>metadata_props with a key twice.</summary>
    public const string MetadataKey = "metadata-key";
    /// <summary>opset_import missing (IR ≥ 3) or present where the IR version forbids it (IR &lt; 3).</summary>
    public const string OpsetImport = "opset-import";
    /// <summary>One domain imported twice ("" and "ai.onnx" count as one domain).</summary>
    public const string OpsetDuplicate = "opset-duplicate";
    /// <summary>A node whose domain has no opset import.</summary>
    public const string OpsetDomain = "opset-domain";
    /// <summary>A graph (main graph or subgraph) without a name.</summary>
    public const string GraphName = "graph-name";
    /// <summary>A graph input or output without a name.</summary>
    public const string ValueName = "value-name";
    /// <summary>A main-graph input or output without a complete type.</summary>
    public const string ValueType = "value-type";
    /// <summary>An initializer without a name, or two initializers with one name.</summary>
    public const string InitializerName = "initializer-name";
    /// <summary>IR ≤ 3: an initializer that is not also a graph input.</summary>
    public const string InitializerInput = "initializer-input";
    /// <summary>A value defined twice in scope (graph inputs, initializers, node outputs): the graph is not in SSA form.</summary>
    public const string Ssa = "ssa";
    /// <summary>A node input that no earlier node, input or initializer in scope defines.</summary>
    public const string UndefinedInput = "undefined-input";
    /// <summary>A graph output that nothing in scope defines.</summary>
    public const string GraphOutput = "graph-output";
    /// <summary>A node without op_type, or with neither inputs nor outputs.</summary>
    public const string Node = "node";
    /// <summary>An attribute without a name, or two attributes of one node with one name.</summary>
    public const string AttributeName = "attribute-name";
    /// <summary>An attribute whose type is missing or disagrees with the value field that is set.</summary>
    public const string AttributeType = "attribute-type";
    /// <summary>An attribute with more than one value field set.</summary>
    public const string AttributeValue = "attribute-value";
    /// <summary>ref_attr_name outside a function body, or together with a value inside one.</summary>
    public const string AttributeReference = "attribute-reference";
    /// <summary>A tensor with no, UNDEFINED or unknown data_type.</summary>
    public const string TensorType = "tensor-type";
    /// <summary>A tensor whose stored data disagrees with its type or dims.</summary>
    public const string TensorData = "tensor-data";
    /// <summary>A sparse tensor whose values, indices and dims disagree.</summary>
    public const string SparseTensor = "sparse-tensor";
    /// <summary>A model-local function that is malformed (name, domain, duplicate inputs, outputs or attributes).</summary>
    public const string Function = "function";

    /// <summary>
    /// The rules whose violations ONNX Runtime accepts and the engine repairs when it loads a model, so they are warnings
    /// (MCB1302), not errors (MCB1301). IR ≤ 3 initializers missing from graph.input: ONNX Runtime treats them as the
    /// constants they are, and raising the IR to 4 makes the model say so (docs/decisions.md).
    /// </summary>
    public static IReadOnlySet<string> Repairable { get; } = new HashSet<string>(StringComparer.Ordinal) { InitializerInput };
}
