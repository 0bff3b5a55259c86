using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>The child-process helpers the oracle tests stand on: failures surface, hangs end, temp folders go away.</summary>
public sealed class TestingHelpersTests
{
    [Fact]
    public async Task Python_returns_stdout_and_passes_arguments()
    {
        var stdout = await Python.RunAsync("import sys, numpy; print(sys.argv[1], numpy.float32(1.5) * 2)", "hello");

        Assert.Equal("hello 3.0", stdout.Trim());
    }

    [Fact]
    public async Task Python_failure_throws_with_its_stderr()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Python.RunAsync("import sys; sys.stderr.write('broken on purpose'); sys.exit(4)"));

        Assert.Contains("code 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken on purpose", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Large_output_on_both_pipes_does_not_deadlock()
    {
        // 4 MB on stdout and on stderr, far beyond a pipe buffer (64 KB): sequential reading would hang here.
        var stdout = await Python.RunAsync("import sys; sys.stderr.write('e' * 4_000_000); sys.stdout.write('o' * 4_000_000)");

        Assert.Equal(4_000_000, stdout.Length);
    }

    [Fact]
    public async Task Process_that_outlives_its_timeout_is_killed_and_reported()
    {
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<TimeoutException>(
            () => ProcessRunner.RunAsync(Python.Interpreter, ["-c", "import time; time.sleep(60)"], TimeSpan.FromMilliseconds(500)));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Temp_folder_is_created_empty_and_deleted_on_dispose()
    {
        string path;
        using (var temp = new TempFolder())
        {
            path = temp.Path;
            Assert.Empty(Directory.EnumerateFileSystemEntries(path));
            File.WriteAllText(Path.Combine(temp.CreateFolder("sub"), "file.txt"), "x");
        }

        Assert.False(Directory.Exists(path));
    }
}
