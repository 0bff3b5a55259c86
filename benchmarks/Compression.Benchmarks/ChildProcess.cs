using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Compression.Onnx.Model;
using Compression.Testing;

namespace Compression.Benchmarks;

/// <summary>What one external command cost: its exit code and output, wall and CPU seconds, and its peak resident bytes.</summary>
internal sealed record CommandCost(int ExitCode, double Seconds, double CpuSeconds, long PeakBytes, string StandardOutput, string StandardError);

/// <summary>
/// Measures one operation in a fresh process, so that its peak resident memory (VmHWM) is its own and not what earlier
/// runs left in the heap. The child prints "elapsed_ms peak_bytes".
/// </summary>
internal static partial class ChildProcess
{
    private const string CostMarker = "@cost";
    private const int RusageChildren = -1;

    /// <summary>struct rusage on 64-bit Linux: two timevals, then ru_maxrss (KiB) and 13 more longs.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentKilobytes;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, out ResourceUsage usage);

    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/> from a fresh benchmark child ("measure") that starts
    /// nothing else, so the child's getrusage(RUSAGE_CHILDREN) after the command is reaped is the command's own: peak
    /// resident memory (ru_maxrss, the kernel's figure up to the exit, which polling /proc would miss) and user + system
    /// CPU. Wall time is taken in the child around the command alone. On timeout the whole tree is killed
    /// (<see cref="TimeoutException"/>).
    /// </summary>
    public static async Task<CommandCost> MeasureCommandAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var result = await ProcessRunner.RunAsync(Environment.ProcessPath!, SelfArguments(["measure", file, .. arguments]), timeout).ConfigureAwait(false);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        var cost = lines.LastOrDefault(l => l.StartsWith(CostMarker, StringComparison.Ordinal))?.Split(' ')
            ?? throw new InvalidOperationException($"the measuring child printed no cost (exit {result.ExitCode}): {result.StandardError.Trim()}");
        var output = string.Join('\n', lines.Where(l => !l.StartsWith(CostMarker, StringComparison.Ordinal)));
        return new CommandCost(int.Parse(cost[1], CultureInfo.InvariantCulture), double.Parse(cost[2], CultureInfo.InvariantCulture),
            double.Parse(cost[3], CultureInfo.InvariantCulture), long.Parse(cost[4], CultureInfo.InvariantCulture), output, result.StandardError);
    }

    /// <summary>The "measure FILE ARGS..." child: runs the command with this process's standard streams, then prints its cost.</summary>
    public static int RunMeasured(string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false };
        foreach (var a in args[1..]) psi.ArgumentList.Add(a);
        var watch = Stopwatch.StartNew();
        using (var command = Process.Start(psi)!)
        {
            command.WaitForExit();
            var seconds = watch.Elapsed.TotalSeconds;
            if (GetResourceUsage(RusageChildren, out var usage) != 0) throw new InvalidOperationException("getrusage(RUSAGE_CHILDREN) failed");
            var cpu = usage.UserSeconds + usage.SystemSeconds + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1e6;
            Console.WriteLine(FormattableString.Invariant($"{CostMarker} {command.ExitCode} {seconds:F3} {cpu:F3} {usage.MaxResidentKilobytes * 1024}"));
        }
        return 0;
    }

    /// <summary>How to start this benchmark program again with <paramref name="arguments"/> (through dotnet when run by it).</summary>
    private static List<string> SelfArguments(IEnumerable<string> arguments)
    {
        var self = new List<string>();
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") self.Add(typeof(ChildProcess).Assembly.Location);
        self.AddRange(arguments);
        return self;
    }

    public static (double Milliseconds, long PeakBytes) Measure(params string[] args)
    {
        // Dirty pages from the previous run would be written back during this one and charge it for that run's writes.
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })) sync?.WaitForExit();
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in SelfArguments(["child", .. args])) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"child {string.Join(' ', args)} failed: {stderr.Result}");
        var parts = stdout.Trim().Split(' ');
        return (double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Runs one operation <c>repeat</c> times (the last argument) and prints the median time of the warm runs (all but
    /// the first, when there are several: the first pays for JIT compilation) and the process's peak RSS.
    /// </summary>
    public static int RunChild(string[] args)
    {
        var repeat = int.Parse(args[^1], System.Globalization.CultureInfo.InvariantCulture);
        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            if (!RunOnce(args[..^1])) return 2;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        var warm = (times.Count > 1 ? times.Skip(1) : times).Order().ToList();
        Console.WriteLine(FormattableString.Invariant($"{warm[warm.Count / 2]:F2} {PeakResidentBytes()}"));
        return 0;
    }

    private static bool RunOnce(string[] args)
    {
        switch (args[0])
        {
            case "noop":
                break;
            case "copy":
                PlainCopy(args[1], args[2]);
                break;
            case "loadsave":
                OnnxModel.Load(args[1]).Save(args[2]);
                break;
            case "load":
                GC.KeepAlive(OnnxModel.Load(args[1]));
                break;
            default:
                return false;
        }
        return true;
    }

    /// <summary>Reads and writes the bytes through user space, as load and save must, rather than a kernel-side copy.</summary>
    private static void PlainCopy(string from, string to)
    {
        using var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var output = new FileStream(to, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        input.CopyTo(output, 1 << 20);
        output.Flush();
    }

    private static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
