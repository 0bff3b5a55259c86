using Compression.Engine.Reporting;
using Compression.Onnx.Model;

namespace Compression.Engine.Pipeline;

/// <summary>One run of a plan: the plan, the context it ran in, each step's report, the model it made, and its measured fidelity.</summary>
internal sealed record CompressionAttempt(CompressionPlan Plan, CompressionContext Context, IReadOnlyList<PassReport> Reports, OnnxModel Result,
    FidelityReport? Fidelity, string? FidelityNote);
