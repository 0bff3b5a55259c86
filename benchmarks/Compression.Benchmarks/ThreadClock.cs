using System.Runtime.InteropServices;

namespace Compression.Benchmarks;

/// <summary>
/// CPU time of the calling thread (clock_gettime CLOCK_THREAD_CPUTIME_ID): unlike wall time it does not grow while the
/// thread waits for a core, so single-thread measurements stay usable on a machine shared with other builds.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Milliseconds of CPU this thread has used.</summary>
    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTime, out var t) != 0) return double.NaN;
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }
}
