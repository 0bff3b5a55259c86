using System.Diagnostics;

namespace Compression.Build.Tests.Integration;

/// <summary>Ctrl+C in the middle of a compression: the engine stops, and nothing half-made is left to embed or to reuse.</summary>
[Collection(PackageCollection.Name)]
public sealed class CancellationTests(PackageFixture package)
{
    [Fact]
    public async Task Ctrl_C_during_compression_stops_modelc_and_leaves_no_output_and_no_cache_entry()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is how a terminal's Ctrl+C reaches dotnet on Linux and macOS.
        using var app = new ConsumerProject(package);
        using var cache = new Compression.Testing.TempFolder("cancel-cache");
        app.CacheDirectory = cache.Path;
        // The detector takes seconds to compress and measure: time enough to interrupt the engine while it works.
        app.Write("<ModelCompression Include=\"Models/detector.onnx\" />");
        app.AddModel("ch_PP-OCRv4_det_infer.onnx", "Models/detector.onnx");

        // On a fast or idle machine the engine can finish between the check that it runs and the signal: such an
        // attempt proves nothing about cancellation, so obj and the cache are emptied and the build is interrupted again (at most 3 times).
        Task<int?>? interrupt = null;
        var result = await app.RunAsync(["build"], build => interrupt = InterruptWhileTheEngineRuns(build));
        var engine = await interrupt!;
        for (var attempt = 1; attempt < 3 && result.ExitCode == 0; attempt++)
        {
            Directory.Delete(app.Obj(), recursive: true);
            foreach (var entry in Directory.GetFileSystemEntries(cache.Path))
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry);
            result = await app.RunAsync(["build"], build => interrupt = InterruptWhileTheEngineRuns(build));
            engine = await interrupt!;
        }

        Assert.True(engine is not null, "the engine never started, or finished before the interrupt");
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain(result.Errors, e => e.Contains("MSB6006", StringComparison.Ordinal));
        Assert.True(WaitForExit(engine!.Value, TimeSpan.FromSeconds(10)), $"modelc (pid {engine}) still runs after the build was cancelled");
        Assert.Empty(Directory.GetFiles(app.Obj(), "*.onnx", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(app.Obj(), "response.json", SearchOption.AllDirectories));
        Assert.Equal(0, ConsumerProject.CacheEntries(cache.Path));

        // The next build starts from scratch and succeeds.
        var next = await app.RunAsync("build");
        next.AssertSucceeded();
        Assert.Equal(1, next.EngineRuns);
    }

    /// <summary>
    /// Waits for modelc to start under <paramref name="build"/>, lets it work for a moment, then sends SIGINT to dotnet
    /// (what Ctrl+C in a terminal does). Returns the engine's pid, or null when it was not running at the interrupt.
    /// </summary>
    private static async Task<int?> InterruptWhileTheEngineRuns(Process build)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline && !build.HasExited)
        {
            if (FindEngine() is { } pid)
            {
                await Task.Delay(700);
                if (!IsRunning(pid)) return null;
                using var kill = Process.Start("kill", ["-INT", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                return pid;
            }
            await Task.Delay(50);
        }
        return null;
    }

    /// <summary>A running `dotnet .../modelc.dll build` (only this test compresses the detector with this cache).</summary>
    private static int? FindEngine()
    {
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid)) continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains("modelc.dll build", StringComparison.Ordinal) && commandLine.Contains("detector", StringComparison.Ordinal)) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!IsRunning(pid)) return true;
            Thread.Sleep(100);
        }
        return false;
    }
}
