using System.Text.Json;
using Compression.Engine.Pipeline;

namespace Compression.Engine.Caching;

/// <summary>
/// Compressed models by content address (<see cref="CacheKey"/>), shared by every project and RID on the machine.
/// An entry is a folder <c>&lt;dir&gt;/&lt;key[0..2]&gt;/&lt;key&gt;/</c> with <c>model.onnx</c> and <c>entry.json</c>;
/// it is written into a temporary folder and renamed into place, so readers see whole entries or none, and two builds
/// racing on one key both succeed (the loser's rename fails and it uses the winner's entry). Reads verify the model's
/// SHA-256; a damaged entry is deleted and treated as a miss. Past the size bound, least recently used entries go.
/// </summary>
internal sealed class ContentCache
{
    private const string ModelFile = "model.onnx";
    private const string EntryFile = "entry.json";

    private readonly string _root;
    private readonly long _maxBytes;

    public ContentCache(string directory, long maxBytes)
    {
        _root = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
    }

    public string EntryFolder(string key) => Path.Combine(_root, key[..2], key);

    /// <summary>Copies the cached model for <paramref name="key"/> to <paramref name="destination"/>; null on a miss.</summary>
    public CompressionResult? TryGet(string key, string destination) =>
        TryGet(key, destination, (entry, _) => entry);

    /// <summary>
    /// The cached entry for <paramref name="key"/>, verified, passed with its model file to <paramref name="accept"/>
    /// before anything is copied (the ONNX Runtime re-check reads the cached model there and may throw, leaving
    /// <paramref name="destination"/> untouched); then the model is copied and <paramref name="accept"/>'s result returned.
    /// </summary>
    public CompressionResult? TryGet(string key, string destination, Func<CompressionResult, string, CompressionResult> accept)
    {
        var folder = EntryFolder(key);
        var model = Path.Combine(folder, ModelFile);
        var entryPath = Path.Combine(folder, EntryFile);
        if (!File.Exists(model) || !File.Exists(entryPath)) return null;
        try
        {
            var entry = JsonSerializer.Deserialize<CompressionResult>(File.ReadAllText(entryPath));
            if (entry is null || CacheKey.Sha256(model) != entry.Sha256)
            {
                TryDelete(folder);
                return null;
            }
            var accepted = accept(entry, model);
            Onnx.Model.AtomicFile.Write(destination, s => { using var source = File.OpenRead(model); source.CopyTo(s); });
            Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow); // recency for trimming
            return accepted;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // an entry being deleted by a concurrent trim, or unreadable: compress instead
        }
    }

    /// <summary>
    /// Stores <paramref name="modelPath"/> under <paramref name="key"/> with the result that made it (no-op when another
    /// build got there first).
    /// </summary>
    public void Put(string key, string modelPath, CompressionResult entry)
    {
        var folder = EntryFolder(key);
        if (Directory.Exists(folder)) return;
        var parent = Path.GetDirectoryName(folder)!;
        var temp = Path.Combine(parent, $".{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(temp);
            File.Copy(modelPath, Path.Combine(temp, ModelFile));
            File.WriteAllText(Path.Combine(temp, EntryFile), JsonSerializer.Serialize(entry));
            Directory.Move(temp, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            // Another build stored the same key meanwhile; its entry is equal by construction.
        }
        finally
        {
            TryDelete(temp);
        }
        Trim();
    }

    /// <summary>Deletes least recently used entries until the cache is within its bound.</summary>
    public void Trim()
    {
        if (!Directory.Exists(_root)) return;
        var entries = Directory.EnumerateDirectories(_root).SelectMany(Directory.EnumerateDirectories)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Select(d => (Folder: d, Size: FolderSize(d), Used: Directory.GetLastWriteTimeUtc(d)))
            .OrderBy(e => e.Used).ThenBy(e => e.Folder, StringComparer.Ordinal).ToList();
        var total = entries.Sum(e => e.Size);
        foreach (var e in entries)
        {
            if (total <= _maxBytes) break;
            TryDelete(e.Folder);
            total -= e.Size;
        }
    }

    private static long FolderSize(string folder)
    {
        try { return Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length); }
        catch (IOException) { return 0; }
    }

    private static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
