using System.Text.RegularExpressions;

namespace Compression.Build.Parsing;

/// <summary>
/// modelc's one-line failure on stderr, <c>FILE: error CODE: message</c> (docs/diagnostics.md), and the same without
/// a file. The task turns it into one MSBuild error with that code and file instead of "exited with code 2".
/// </summary>
internal static class EngineErrorLine
{
    // The file may itself contain ": " (a Windows drive "C:\"), so the code marker anchors the split.
    private static readonly Regex Pattern = new Regex(
        @"^(?:(?<file>.+?): )?(?<severity>error|warning) (?<code>MCB\d{4}): (?<message>.*)$",
        RegexOptions.CultureInvariant);

    public static bool TryParse(string line, out string file, out string code, out string message)
    {
        file = code = message = "";
        var match = Pattern.Match(line.Trim());
        if (!match.Success) return false;
        file = match.Groups["file"].Value;
        code = match.Groups["code"].Value;
        message = match.Groups["message"].Value;
        return true;
    }
}
