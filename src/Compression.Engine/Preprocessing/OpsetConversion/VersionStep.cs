using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing.OpsetConversion;

/// <summary>
/// One change of one operator between two consecutive versions: <see cref="Adapt"/> rewrites a node from the older to
/// the newer form, or is null when the node means the same under both (only types, or defaults that keep the old
/// behaviour, were added).
/// </summary>
internal sealed record VersionStep(string Op, int From, int To, Action<AdapterContext, NodeProto>? Adapt);
