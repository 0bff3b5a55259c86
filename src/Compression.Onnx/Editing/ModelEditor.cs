using Compression.Onnx.Graph;
using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Editing;

/// <summary>
/// A model under edit: an editor for the main graph and every subgraph, kept current as passes change them, and one
/// source of fresh names for all of them (a name handed out or added through the editor is never handed out again).
/// </summary>
public sealed class ModelEditor
{
    public ModelEditor(ModelProto model)
    {
        Model = model;
        Names = new UniqueNames(model);
        Main = new GraphEditor(this, model.Graph, null, null, 0);
    }

    public ModelProto Model { get; }

    public GraphEditor Main { get; }

    public UniqueNames Names { get; }

    /// <summary>The main graph and every subgraph, depth first.</summary>
    public IEnumerable<GraphEditor> AllGraphs => Main.SelfAndDescendants();

    /// <summary>Whether new constants are initializers (IR 4 on) or Constant nodes (<see cref="ConstantStorage"/>).</summary>
    public bool UsesInitializers => ConstantStorage.UsesInitializers(Model);

    /// <summary>The opset version a domain is imported at, or 0 when the model does not import it.</summary>
    public long OpsetOf(string domain)
    {
        var normalized = ModelIndex.NormalizeDomain(domain);
        foreach (var op in Model.OpsetImport)
            if (ModelIndex.NormalizeDomain(op.Domain) == normalized) return op.Version;
        return 0;
    }
}
