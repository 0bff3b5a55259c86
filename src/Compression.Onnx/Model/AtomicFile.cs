namespace Compression.Onnx.Model;

/// <summary>
/// Writes a file all at once or not at all: a temporary file in the same folder, then a rename over the target, so a
/// crash or a cancelled build never leaves half a file under the real name. No fsync: like compilers, we protect
/// against a dying process, not a dying machine, and a forced flush would make every build wait on the disk.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush();
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
