using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>Equal: a equals b, element by element with broadcasting (false when either is NaN); strings from 19.</summary>
internal struct EqualOperation : IComparison
{
    public static bool Compare<T>(T a, T b) where T : INumber<T> => a == b;

    public static bool SupportsStrings => true;
}
