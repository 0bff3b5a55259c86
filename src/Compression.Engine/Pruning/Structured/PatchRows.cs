using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// The rows of a dense layer's least-squares problem: for a 2-D Conv, the input patch behind one output position in
/// the weight's own order [c, kh, kw] (im2col), for a Gemm one input row; then a 1 for the bias. Only plain 2-D
/// convolution geometry is described (strides, pads, dilations, auto_pad); anything else has no rows and is not refit.
/// </summary>
internal sealed class PatchRows
{
    private readonly int _kh, _kw, _sh, _sw, _dh, _dw, _top, _left;

    private PatchRows(int kh, int kw, int sh, int sw, int dh, int dw, int top, int left) =>
        (_kh, _kw, _sh, _sw, _dh, _dw, _top, _left) = (kh, kw, sh, sw, dh, dw, top, left);

    /// <summary>Weight elements per output channel, plus one for the bias.</summary>
    public int Columns(int inputChannels) => (inputChannels * _kh * _kw) + 1;

    public static PatchRows Gemm { get; } = new(1, 1, 1, 1, 1, 1, 0, 0);

    /// <summary>The geometry of a 2-D Conv reading an [N, C, H, W] input into [N, M, Ho, Wo], or null when it is not one.</summary>
    public static PatchRows? Conv(NodeProto node, long[] weightDims, int[] input, int[] output)
    {
        if (weightDims.Length != 4 || input.Length != 4 || output.Length != 4) return null;
        long[] Ints(string name, long fallback, int count) =>
            node.GetInts(name) is { Length: > 0 } v ? v : Enumerable.Repeat(fallback, count).ToArray();
        var strides = Ints("strides", 1, 2);
        var dilations = Ints("dilations", 1, 2);
        var pads = Ints("pads", 0, 4);
        var autoPad = node.GetString("auto_pad", "NOTSET");
        var (kh, kw) = ((int)weightDims[2], (int)weightDims[3]);
        int Begin(int axis, int k)
        {
            if (autoPad is "NOTSET" or "") return (int)pads[axis];
            if (autoPad == "VALID") return 0;
            var total = Math.Max(0, ((output[axis + 2] - 1) * (int)strides[axis]) + ((k - 1) * (int)dilations[axis]) + 1 - input[axis + 2]);
            return autoPad == "SAME_LOWER" ? total - (total / 2) : total / 2;
        }
        return new PatchRows(kh, kw, (int)strides[0], (int)strides[1], (int)dilations[0], (int)dilations[1], Begin(0, kh), Begin(1, kw));
    }

    /// <summary>
    /// Writes the row of output position (<paramref name="n"/>, <paramref name="oh"/>, <paramref name="ow"/>) of an
    /// input of shape [N, C, H, W] (a Gemm input is [N, C] with H = W = 1) into <paramref name="row"/>.
    /// </summary>
    public void Write(ReadOnlySpan<float> input, int channels, int height, int width, int n, int oh, int ow, Span<double> row) =>
        Write(input, channels, height, width, n, oh, ow, row, 0, channels);

    /// <summary>The row over input channels [<paramref name="first"/>, first + <paramref name="count"/>) only: one group of a grouped Conv.</summary>
    public void Write(ReadOnlySpan<float> input, int channels, int height, int width, int n, int oh, int ow, Span<double> row, int first, int count)
    {
        var at = 0;
        for (var c = first; c < first + count; c++)
        {
            var plane = ((n * channels) + c) * height * width;
            for (var i = 0; i < _kh; i++)
            {
                var ih = (oh * _sh) - _top + (i * _dh);
                for (var j = 0; j < _kw; j++)
                {
                    var iw = (ow * _sw) - _left + (j * _dw);
                    row[at++] = ih >= 0 && ih < height && iw >= 0 && iw < width ? input[plane + (ih * width) + iw] : 0;
                }
            }
        }
        row[at] = 1;
    }
}
