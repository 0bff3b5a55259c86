using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Unstructured;

/// <summary>
/// How a weight's elements meet the product that reads them: the rows of the reduction (the weights summed into one
/// output, as runs of <c>Length</c> elements <c>Stride</c> apart from <c>Offset</c>) and which channel of the activation
/// input each element multiplies. N:M groups consecutive elements of a row; activation-aware importance scales each
/// element by its input channel's mean |x|.
/// <list type="bullet">
/// <item>Conv W [M, C/g, k…]: one row per output channel, the C/g·k… weights contiguous; input channel
/// (m / (M/g))·(C/g) + c, on axis 1 of X.</item>
/// <item>ConvTranspose W [C, M/g, k…]: the product is Wᵀ·X over C (what runtimes compute before col2im), so a row runs
/// along axis 0 for each (m, k…); input channel c, on axis 1 of X.</item>
/// <item>Gemm B [K, N] (or [N, K] with transB), MatMul B […, K, N]: a row per output column along K; input channel k,
/// on the last axis of A (axis 0 with transA).</item>
/// </list>
/// </summary>
internal sealed class ReductionLayout
{
    private readonly Func<int, int> _inputChannel;

    private ReductionLayout(IReadOnlyList<(int Offset, int Stride, int Length)> rows, Func<int, int> inputChannel, int channelAxis, bool channelLast)
    {
        Rows = rows;
        _inputChannel = inputChannel;
        ActivationChannelAxis = channelAxis;
        ActivationChannelLast = channelLast;
    }

    public IReadOnlyList<(int Offset, int Stride, int Length)> Rows { get; }

    /// <summary>The axis of the activation input (input 0) that holds the channels weights multiply (ignored when <see cref="ActivationChannelLast"/>).</summary>
    public int ActivationChannelAxis { get; }

    /// <summary>Whether the channels are the activation's last axis (Gemm, MatMul).</summary>
    public bool ActivationChannelLast { get; }

    /// <summary>The activation channel the weight element at flat index <paramref name="index"/> multiplies.</summary>
    public int InputChannelOf(int index) => _inputChannel(index);

    /// <summary>The layout of input 1 of <paramref name="node"/> with <paramref name="dims"/>, or null for a form it does not know.</summary>
    public static ReductionLayout? Of(NodeProto node, int[] dims)
    {
        var rank = dims.Length;
        switch (node.OpType)
        {
            case "Conv" when rank >= 3:
            {
                var outputs = dims[0];
                var perGroupInputs = dims[1];
                var kernel = Product(dims, 2);
                var row = perGroupInputs * kernel;
                var group = (int)node.GetInt("group", 1);
                if (group < 1 || outputs % group != 0) return null;
                var outputsPerGroup = outputs / group;
                var rows = Enumerable.Range(0, outputs).Select(m => (m * row, 1, row)).ToList();
                return new ReductionLayout(rows,
                    i => i / row / outputsPerGroup * perGroupInputs + i % row / kernel, 1, false);
            }
            case "ConvTranspose" when rank >= 3:
            {
                var inputs = dims[0];
                var columns = Product(dims, 1);
                var rows = Enumerable.Range(0, columns).Select(j => (j, columns, inputs)).ToList();
                return new ReductionLayout(rows, i => i / columns, 1, false);
            }
            case "Gemm" when rank == 2:
            {
                var transA = node.GetInt("transA", 0) == 1;
                if (node.GetInt("transB", 0) == 1)
                {
                    var (n, k) = (dims[0], dims[1]);
                    return new ReductionLayout(Enumerable.Range(0, n).Select(r => (r * k, 1, k)).ToList(), i => i % k, 0, !transA);
                }
                else
                {
                    var (k, n) = (dims[0], dims[1]);
                    return new ReductionLayout(Enumerable.Range(0, n).Select(c => (c, n, k)).ToList(), i => i / n, 0, !transA);
                }
            }
            case "MatMul" when rank >= 2:
            {
                var (k, n) = (dims[rank - 2], dims[rank - 1]);
                var batches = Product(dims, 0) / (k * n);
                var rows = new List<(int, int, int)>(batches * n);
                for (var b = 0; b < batches; b++)
                    for (var c = 0; c < n; c++) rows.Add((b * k * n + c, n, k));
                return new ReductionLayout(rows, i => i / n % k, 0, true);
            }
            default:
                return null;
        }
    }

    private static int Product(int[] dims, int from)
    {
        var product = 1;
        for (var i = from; i < dims.Length; i++) product = checked(product * dims[i]);
        return product;
    }
}
