using System.Globalization;
using Compression.Onnx.Summary;
using Spectre.Console;

namespace Compression.Cli.Commands;

/// <summary>The human-readable form of a <see cref="ModelSummary"/>.</summary>
internal static class SummaryTable
{
    public static void Write(ModelSummary s, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        var overview = new Table().Border(TableBorder.Rounded).AddColumn("property").AddColumn("value");
        overview.AddRow("producer", Markup.Escape($"{s.ProducerName} {s.ProducerVersion}".Trim()));
        overview.AddRow("IR version", N(s.IrVersion));
        overview.AddRow("opsets", Markup.Escape(string.Join(", ", s.Opsets.Select(o => $"{(o.Key.Length == 0 ? "ai.onnx" : o.Key)} {o.Value}"))));
        overview.AddRow("parameters", N(s.Parameters));
        overview.AddRow("weight bytes", N(s.WeightBytes));
        overview.AddRow("nodes", $"{N(s.Nodes)} ({N(s.Subgraphs)} subgraphs)");
        overview.AddRow("MACs", $"{N(s.Macs)} ({s.MacNodesKnown} of {s.MacNodesTotal} Conv/Gemm/MatMul nodes with known shapes)");
        overview.AddRow("activation bytes", $"{N(s.ActivationBytes)} (computed tensors of one inference, each written once)");
        overview.AddRow("cost shapes", Markup.Escape(InputCostShape.Describe(s.CostShapes)));
        console.Write(overview);

        var bytes = new Table().Border(TableBorder.Rounded).AddColumns("element type", "tensors", "elements", "bytes");
        foreach (var b in s.BytesByElementType) bytes.AddRow(b.ElementType, N(b.Tensors), N(b.Elements), N(b.Bytes));
        console.Write(bytes);

        var ops = new Table().Border(TableBorder.Rounded).AddColumns("operator", "count");
        foreach (var op in s.Operators.OrderByDescending(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal))
            ops.AddRow(Markup.Escape(op.Key), N(op.Value));
        console.Write(ops);

        var io = new Table().Border(TableBorder.Rounded).AddColumns("", "name", "type", "shape");
        foreach (var v in s.Inputs) io.AddRow("input", Markup.Escape(v.Name), v.ElementType, Markup.Escape($"[{string.Join(", ", v.Shape)}]"));
        foreach (var v in s.Outputs) io.AddRow("output", Markup.Escape(v.Name), v.ElementType, Markup.Escape($"[{string.Join(", ", v.Shape)}]"));
        console.Write(io);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
