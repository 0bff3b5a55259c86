using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// The data flow of one graph and, through node attributes, of every subgraph in it. ONNX graphs are in SSA form: each
/// value is defined once — as a graph input, an initializer or a node output — and nodes are stored in topological order,
/// so one pass in stored order must see every input defined before it is used. A subgraph sees its own values and those
/// its enclosing graphs defined before the owning node (<see cref="LexicalScope"/>).
/// </summary>
internal static class GraphChecker
{
    public static void Check(GraphProto graph, CheckContext ctx, LexicalScope scope)
    {
        if (graph.Name.Length == 0)
            ctx.Report(CheckRules.GraphName, "the graph has no name.");

        foreach (var input in graph.Input)
            ValueInfoChecker.Check(input, ctx, "input");
        foreach (var output in graph.Output)
            ValueInfoChecker.Check(output, ctx, "output");

        // Inputs may hide a name of an enclosing graph (a body's formal parameter); ONNX's checker allows that too. Only a
        // repeated input of this graph is a double definition.
        foreach (var input in graph.Input)
        {
            if (input.Name.Length == 0) continue;
            if (scope.DefinesHere(input.Name))
                ctx.Report(CheckRules.Ssa, $"graph input '{input.Name}' is declared more than once.");
            scope.Add(input.Name);
        }

        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
        {
            TensorChecker.Check(init, ctx, "initializer");
            DefineInitializer(init.Name, "initializer", ctx, scope, initializers);
        }
        foreach (var sparse in graph.SparseInitializer)
        {
            SparseTensorChecker.Check(sparse, ctx, "sparse initializer");
            // A sparse initializer's name is its values' name; it was added in IR 6, after initializers stopped having
            // to be inputs, so it is always a definition of its own.
            var name = sparse.Values?.Name ?? "";
            if (name.Length == 0)
                ctx.Report(CheckRules.InitializerName, "a sparse initializer has no name.");
            else if (!initializers.Add(name))
                ctx.Report(CheckRules.InitializerName, $"initializer name '{name}' is used more than once.");
            else
                scope.Add(name);
        }

        // Only for telling "used before it is defined" from "never defined" in messages.
        var producedHere = new HashSet<string>(graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0), StringComparer.Ordinal);

        for (var index = 0; index < graph.Node.Count; index++)
        {
            var node = graph.Node[index];
            var described = CheckContext.Describe(node, index);
            foreach (var input in node.Input)
            {
                // An empty name is the documented way to leave out an optional input.
                if (input.Length == 0 || scope.IsVisible(input)) continue;
                ctx.Report(CheckRules.UndefinedInput, producedHere.Contains(input)
                    ? $"{described} uses '{input}' before the node that produces it; nodes must be in topological order."
                    : $"{described} uses '{input}', which is not a graph input, initializer or output of an earlier node in scope.",
                    index);
            }

            // Subgraphs are checked here, before this node's outputs exist: they must not see them.
            NodeChecker.Check(node, index, ctx, scope);

            foreach (var output in node.Output)
            {
                if (output.Length == 0) continue; // an optional output that is not wanted
                if (scope.IsVisible(output))
                    ctx.Report(CheckRules.Ssa,
                        $"{described} defines '{output}', which is already defined{(scope.DefinesHere(output) ? "" : " in an enclosing graph")}; each value must be defined once.",
                        index);
                scope.Add(output);
            }
        }

        // ONNX 1.12 does not check this; later ONNX versions do. An output nothing defines has no value to return. We
        // also accept an output that names a value of an enclosing graph: it is defined and visible, and a runtime can
        // return it, so it is not a structural error.
        foreach (var output in graph.Output)
            if (output.Name.Length > 0 && !scope.IsVisible(output.Name))
                ctx.Report(CheckRules.GraphOutput,
                    $"graph output '{output.Name}' is not a graph input, initializer or node output.");
    }

    private static void DefineInitializer(string name, string role, CheckContext ctx, LexicalScope scope, HashSet<string> seen)
    {
        if (name.Length == 0)
        {
            ctx.Report(CheckRules.InitializerName, $"an {role} has no name.");
            return;
        }
        if (!seen.Add(name))
        {
            ctx.Report(CheckRules.InitializerName, $"initializer name '{name}' is used more than once.");
            return;
        }
        // Up to IR 3 an initializer is only the default value of a graph input; from IR 4 it may stand alone, and when it
        // shares a name with an input it is that input's default, not a second definition.
        // An IR ≤ 3 initializer that is not an input is still the constant ONNX Runtime reads, so it defines its name: the
        // deviation is repairable (CheckRules.Repairable), and the nodes that read it are not also "undefined".
        if (ctx.IrVersion <= 3)
        {
            if (scope.DefinesHere(name)) return;
            ctx.Report(CheckRules.InitializerInput,
                $"initializer '{name}' is not a graph input, which IR version {ctx.IrVersion} requires.");
        }
        scope.Add(name);
    }
}
