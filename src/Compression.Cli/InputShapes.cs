using Compression.Engine.Reporting;

namespace Compression.Cli;

/// <summary>Parses <c>--input-shape NAME=d0,d1,...</c> values (a malformed one is a usage error, MCB0001).</summary>
internal static class InputShapes
{
    public static IReadOnlyDictionary<string, int[]> Parse(IEnumerable<string> values) =>
        InputShapeText.Parse(values, "MCB0001", "--input-shape");
}
