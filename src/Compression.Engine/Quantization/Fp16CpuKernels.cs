namespace Compression.Engine.Quantization;

/// <summary>
/// Operators ONNX Runtime's CPU provider refuses in float16 — the operator's schema at the model's opset has no
/// float16 type, or no kernel is registered — which fp16 keeps in float32 between Casts so the model still loads.
/// Found by probing, not from documentation: Fp16KernelProbeTests builds one tiny fp16 model per operator, loads it
/// in ONNX Runtime 1.32 (CPU) and fails when this list and the runtime disagree, so a runtime or opset that adds
/// float16 shows here. Most compute operators (Add, MatMul, Conv, Softmax, Erf, HardSwish, ...) have no fp16 CPU kernel
/// either, but ONNX Runtime computes those in float through Casts it inserts itself, so they load and are not listed:
/// the probe tells the two apart.
/// </summary>
internal static class Fp16CpuKernels
{
    /// <summary>Operator → the first opset at which it takes float16 (long.MaxValue: none yet).</summary>
    private static readonly Dictionary<string, long> Float16Since = new(StringComparer.Ordinal)
    {
        ["CumSum"] = 14,
        ["Range"] = long.MaxValue,
        ["Celu"] = long.MaxValue,
    };

    public static bool Refuses(string opType, long opset) => Float16Since.TryGetValue(opType, out var since) && opset < since;
}
