using System.Diagnostics;
using Compression.Onnx.Model;

namespace Compression.Benchmarks;

/// <summary>
/// Measures one operation in a fresh process, so that its peak resident memory (VmHWM) is its own and not what earlier
/// runs left in the heap. The child prints "elapsed_ms peak_bytes".
/// </summary>
internal static class ChildProcess
{
    public static (double Milliseconds, long PeakBytes) Measure(params string[] args)
    {
        // Dirty pages from the previous run would be written back during this one and charge it for that run's writes.
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })) sync?.WaitForExit();
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        var self = typeof(ChildProcess).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(self);
        psi.ArgumentList.Add("child");
        foreach (var a in args) psi.ArgumentList.Add(a);
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
