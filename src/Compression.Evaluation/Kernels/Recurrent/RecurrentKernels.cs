using Compression.Evaluation.Execution;

namespace Compression.Evaluation.Kernels.Recurrent;

/// <summary>
/// Registers the recurrent kernels: one line per operator, listing the operator versions it implements (7, and 14 which
/// adds the layout attribute; GRU 1/3 and LSTM/RNN 1 predate the current activation attributes and are not registered).
/// Float32 kernels; float16 goes through <see cref="HalfAsFloat"/>.
/// </summary>
internal static class RecurrentKernels
{
    public static void Register(KernelRegistry registry)
    {
        registry.Add("LSTM", new HalfAsFloat(new Lstm()), 7, 14);
        registry.Add("GRU", new HalfAsFloat(new Gru()), 7, 14);
        registry.Add("RNN", new HalfAsFloat(new Rnn()), 7, 14);
    }
}
