using Compression.Engine.Pipeline;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Preprocessing;

/// <summary>
/// A preprocessing pass: a compression pass that needs nothing from the context but the working model, so it can also
/// run on a bare model (tests, other passes preparing a copy).
/// </summary>
internal interface IPreprocessingPass : ICompressionPass
{
    PassReport Apply(ModelProto model);

    PassReport ICompressionPass.Apply(CompressionContext context) => Apply(context.Model);
}
