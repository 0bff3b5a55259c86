namespace Compression.Engine.Runtime;

/// <summary>
/// Which ONNX Runtime native library the check loads, decided before anything loads (<see cref="OnnxRuntimeResolver"/>):
/// a file, or .NET's default probing (<see cref="UsesDefaultProbing"/>: an application that carries its own natives),
/// or none, with <see cref="Unavailable"/> saying why (no binary for the host, not restored, too old).
/// </summary>
/// <param name="Version">The version wanted (from the package folder); empty when only loading can tell.</param>
/// <param name="Source">Where the choice came from, in words, for the report.</param>
internal sealed record OnnxRuntimeChoice(string Version, string Source)
{
    /// <summary>The native library file to load; null for default probing or when <see cref="Unavailable"/>.</summary>
    public string? LibraryPath { get; init; }

    public bool UsesDefaultProbing { get; init; }

    /// <summary>Why no library can be loaded (the check is skipped with warning MCB2302); null when one can.</summary>
    public string? Unavailable { get; init; }

    /// <summary>The choice as a warning names it: the version and the file (or default probing).</summary>
    public string Describe() =>
        $"ONNX Runtime {(Version.Length > 0 ? Version + " " : "")}({(LibraryPath ?? (UsesDefaultProbing ? ".NET's default probing" : "none"))})";
}
