namespace Compression.Engine.Runtime;

/// <summary>
/// The ONNX Runtime versions the engine knows: the one Compression.Build pins for projects that reference none (the
/// same value as <c>ModelCompressionOnnxRuntimeVersion</c> in build/Compression.Build.props; a test keeps them equal),
/// and the oldest native library its binding (Microsoft.ML.OnnxRuntime.Managed) can load: the C API is backward
/// compatible, so a binding works with natives of its version or newer, never older.
/// </summary>
internal static class OnnxRuntimePin
{
    public const string Version = "1.32.0";

    public const string OldestLoadable = "1.30.0";

    /// <summary>The CPU package whose natives the engine loads.</summary>
    public const string CpuPackage = "Microsoft.ML.OnnxRuntime";

    public const string ManagedPackage = "Microsoft.ML.OnnxRuntime.Managed";

    /// <summary>Whether a native library of <paramref name="version"/> is too old for the binding (unparsable versions are tried).</summary>
    public static bool IsTooOld(string version) =>
        System.Version.TryParse(version.Split('-', '+')[0], out var parsed) && parsed < System.Version.Parse(OldestLoadable);
}
