using Compression.Onnx.Protobuf;

namespace Compression.Onnx.Checking;

/// <summary>
/// The operator-set versions a model (or a function) imports, by domain. "ai.onnx" is the registered name of the default
/// domain whose short form is "" (IR.md), so both spellings are stored and looked up as one: a node in "ai.onnx" under an
/// import of "" is fine, and importing both is a duplicate. ONNX 1.12's checker compares the strings literally and
/// rejects either mix; ONNX Runtime and the specification treat them as one domain, and so do we.
/// </summary>
internal sealed class OpsetImports
{
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    public int Count => _versions.Count;

    public static string Normalize(string domain) => domain == "ai.onnx" ? "" : domain;

    /// <summary>Reads the imports; every domain seen more than once is reported through <paramref name="duplicate"/>.</summary>
    public static OpsetImports From(IEnumerable<OperatorSetIdProto> imports, Action<string>? duplicate)
    {
        var result = new OpsetImports();
        foreach (var import in imports)
        {
            var domain = Normalize(import.Domain);
            if (!result._versions.TryAdd(domain, import.Version))
                duplicate?.Invoke(import.Domain);
        }
        return result;
    }

    /// <summary>IR versions 1 and 2 had no opset_import: every node was implicitly in the default domain at version 1.</summary>
    public static OpsetImports DefaultDomainOnly()
    {
        var result = new OpsetImports();
        result._versions[""] = 1;
        return result;
    }

    public bool Imports(string domain) => _versions.ContainsKey(Normalize(domain));
}
