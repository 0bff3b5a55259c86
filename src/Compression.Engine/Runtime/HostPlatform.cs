using System.Runtime.InteropServices;

namespace Compression.Engine.Runtime;

/// <summary>
/// The build machine as NuGet's runtimes/ folders name it: the portable RID of the host (OS and process architecture,
/// musl told apart from glibc), and the file name of ONNX Runtime's native library there.
/// </summary>
internal static class HostPlatform
{
    /// <summary>The RID of the machine the engine runs on, e.g. linux-x64, osx-arm64, win-x64, linux-musl-x64.</summary>
    public static string RuntimeIdentifier { get; } = Compute(OperatingSystemName(), RuntimeInformation.ProcessArchitecture,
        RuntimeInformation.RuntimeIdentifier.Contains("-musl", StringComparison.Ordinal));

    /// <summary>The native library file name for a RID: onnxruntime.dll, libonnxruntime.dylib or libonnxruntime.so.</summary>
    public static string LibraryFileName(string rid) =>
        rid.StartsWith("win", StringComparison.Ordinal) ? "onnxruntime.dll"
        : rid.StartsWith("osx", StringComparison.Ordinal) || rid.StartsWith("maccatalyst", StringComparison.Ordinal) ? "libonnxruntime.dylib"
        : "libonnxruntime.so";

    /// <summary>The portable RID for an OS name (win, osx, linux, android, freebsd, ...) and architecture.</summary>
    public static string Compute(string os, Architecture architecture, bool musl)
    {
        var arch = architecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            _ => architecture.ToString().ToLowerInvariant(),
        };
        return os == "linux" && musl ? $"linux-musl-{arch}" : $"{os}-{arch}";
    }

    private static string OperatingSystemName() =>
        OperatingSystem.IsWindows() ? "win"
        : OperatingSystem.IsMacOS() ? "osx"
        : OperatingSystem.IsAndroid() ? "android"
        : OperatingSystem.IsIOS() ? "ios"
        : OperatingSystem.IsFreeBSD() ? "freebsd"
        : "linux";
}
