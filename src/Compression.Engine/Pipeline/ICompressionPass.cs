namespace Compression.Engine.Pipeline;

/// <summary>
/// One compression technique applied to a model in place. A pass reads its options from the context's recipe, changes
/// the working model, and says what it changed; it never touches the original.
/// </summary>
public interface ICompressionPass
{
    string Name { get; }

    PassReport Apply(CompressionContext context);
}
