using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Compression.Engine.Runtime;

/// <summary>
/// The machine latency is measured on, as the report names it: the CPU model (Linux /proc/cpuinfo "model name", macOS
/// sysctl machdep.cpu.brand_string, Windows PROCESSOR_IDENTIFIER, else the process architecture) and the logical cores.
/// </summary>
internal static class BuildMachine
{
    private static readonly Lazy<string> CpuLazy = new(ReadCpu);

    public static string Cpu => CpuLazy.Value;

    public static int LogicalCores => Environment.ProcessorCount;

    /// <summary>"&lt;CPU&gt;, N logical cores".</summary>
    public static string Description => $"{Cpu}, {LogicalCores} logical core{(LogicalCores == 1 ? "" : "s")}";

    private static string ReadCpu()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && line[..colon].Trim() == "model name" && line[(colon + 1)..].Trim() is { Length: > 0 } name) return name;
                }
            }
            if (OperatingSystem.IsMacOS() && Sysctl("machdep.cpu.brand_string") is { Length: > 0 } brand) return brand;
            if (OperatingSystem.IsWindows() && Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") is { Length: > 0 } id) return id.Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string? Sysctl(string name)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("sysctl", ["-n", name]) { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null) return null;
            var text = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(5000) && process.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
