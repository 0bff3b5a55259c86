using Compression.Onnx.Diagnostics;

namespace Compression.Engine.Budget;

/// <summary>No fallback fits the accuracy budget (MCB2201): modelc exits with 1, the build fails on the model.</summary>
internal sealed class BudgetExceededException(string message, string? filePath)
    : CompressionException(EngineErrorCodes.BudgetExceeded, message, filePath);
