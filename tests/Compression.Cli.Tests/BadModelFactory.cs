using Compression.Onnx.Protobuf;
using Compression.Testing;
using Google.Protobuf;

namespace Compression.Cli.Tests;

/// <summary>Writes one kind of broken model file into a folder and returns its path.</summary>
internal static class BadModelFactory
{
    public static string Create(string kind, string folder)
    {
        var path = Path.Combine(folder, $"{kind}.onnx");
        switch (kind)
        {
            case "missing":
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "truncated":
                var bytes = TinyModels.Dense(64, 32).ToByteArray();
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "png":
                File.Copy("/usr/lib/python3/dist-packages/skimage/data/astronaut.png", path);
                break;
            case "short-raw-data":
                var model = TinyModels.Dense(4, 4);
                model.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[7]);
                File.WriteAllBytes(path, model.ToByteArray());
                break;
            case "external-escape":
                var external = TinyModels.Dense(4, 4);
                var w = external.Graph.Initializer[0];
                w.ClearRawData();
                w.DataLocation = TensorProto.Types.DataLocation.External;
                w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });
                File.WriteAllBytes(path, external.ToByteArray());
                break;
            default:
                throw new ArgumentException(kind);
        }
        return path;
    }
}
