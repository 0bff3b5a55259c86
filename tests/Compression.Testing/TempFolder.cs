namespace Compression.Testing;

/// <summary>
/// A fresh, empty folder that is deleted with everything in it on Dispose. Set COMPRESSION_KEEP_TEMP=1 to keep the
/// folders of a run for a post-mortem; their paths appear in failure messages that mention files.
/// </summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string? prefix = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "compression-tests",
            $"{prefix ?? "t"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates and returns a subfolder.</summary>
    public string CreateFolder(params string[] parts)
    {
        var path = Combine(parts);
        Directory.CreateDirectory(path);
        return path;
    }

    public override string ToString() => Path;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("COMPRESSION_KEEP_TEMP") == "1") return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open (a crashed child on its way out) must not turn a passing test red.
        }
        catch (UnauthorizedAccessException)
        {
            // Same reason as above.
        }
    }
}
