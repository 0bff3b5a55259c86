using Compression.Engine.Recipes;

namespace Compression.Engine.Pipeline;

/// <summary>
/// One compression technique applied to a model in place. A pass declares what it needs for a recipe
/// (<see cref="Requirements"/>: the planner provides it or plans a fallback), reads its options from the context's
/// recipe, changes the working model, and says what it changed; it never touches the original.
/// </summary>
internal interface ICompressionPass
{
    string Name { get; }

    PassRequirements Requirements(Recipe recipe) => PassRequirements.None;

    PassReport Apply(CompressionContext context);
}
