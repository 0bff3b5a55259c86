using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Compression.Build.Tests.Integration;

/// <summary>Reads the manifest resources of a built assembly without loading it (it may be for another RID).</summary>
internal static class EmbeddedResources
{
    public static Dictionary<string, byte[]> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var resources = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil) continue; // linked or in another assembly: not ours
            var block = pe.GetSectionData(directory.RelativeVirtualAddress + (int)resource.Offset);
            var reader = block.GetReader();
            var length = reader.ReadInt32();
            resources[metadata.GetString(resource.Name)] = reader.ReadBytes(length);
        }
        return resources;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
