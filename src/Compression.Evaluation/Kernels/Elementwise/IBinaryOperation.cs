using System.Numerics;

namespace Compression.Evaluation.Kernels.Elementwise;

/// <summary>The arithmetic of one binary operator for any numeric type; a struct so each kernel is specialised and inlined.</summary>
internal interface IBinaryOperation
{
    static abstract T Apply<T>(T a, T b) where T : INumber<T>;
}
