using Compression.Evaluation.Execution;
using Compression.Evaluation.Inference;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.TensorOps;

/// <summary>
/// OneHot (9; 11 negative indices): inserts a new axis of extent depth at <c>axis</c> (default -1, the last) holding
/// values[1] where the position equals the index and values[0] elsewhere. Indices (any numeric type, truncated to
/// whole numbers) in [-depth, depth) are taken modulo depth; any other index, and (as in ONNX Runtime) a fractional
/// one, gives a row of values[0].
/// </summary>
internal sealed class OneHot : IKernel
{
    public IReadOnlyList<ValueInfo> Infer(InferenceContext context)
    {
        var indices = context.Input(0);
        var type = context.Input(2)?.ElementType ?? default;
        if (indices?.Shape is null) return [new ValueInfo(type, null)];
        var rank = indices.Shape.Length + 1;
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", -1), rank);
        var depth = TensorValues.Doubles(context.Input(1)?.Constant) is [var d] ? (Dim)(long)d : Dim.Unknown;
        return [new ValueInfo(type, [.. indices.Shape[..axis], depth, .. indices.Shape[axis..]])];
    }

    public void Execute(KernelContext context)
    {
        var indexTensor = context.Input(0);
        var depthValues = TensorValues.Doubles(context.Input(1)) ?? throw context.Fail("depth must be numeric");
        if (depthValues.Length != 1) throw context.Fail("depth must hold one value");
        var depth = (long)depthValues[0];
        if (depth < 1) throw context.Fail($"depth {depthValues[0]} must be at least 1");
        var values = context.Input(2);
        if (values.Length != 2) throw context.Fail("values must hold [off_value, on_value]");
        var indices = TensorValues.Doubles(indexTensor) ?? throw context.Fail($"indices must be numeric, not {indexTensor.ElementType}");
        var rank = indexTensor.Rank + 1;
        var axis = ShapeMath.NormalizeAxis(context.Attributes.GetInt("axis", -1), rank);
        var output = context.Allocate(values.ElementType, [.. indexTensor.Shape[..axis], checked((int)depth), .. indexTensor.Shape[axis..]]);
        var inner = 1;
        for (var d = axis; d < indexTensor.Rank; d++) inner *= indexTensor.Shape[d];
        var hot = new int[indices.Length];
        for (var i = 0; i < hot.Length; i++)
        {
            var v = indices[i];
            hot[i] = v >= -depth && v < depth && v == Math.Floor(v) ? (int)(v < 0 ? v + depth : v) : -1;
        }
        if (output.Length > 0) ElementDispatch.Run(values.Data, output.Data, new Fill(hot, (int)depth, inner));
        context.SetOutput(0, output);
    }

    private readonly struct Fill(int[] hot, int depth, int inner) : IElementMove
    {
        public void Run<T>(T[] source, T[] destination)
        {
            Array.Fill(destination, source[0]);
            for (var i = 0; i < hot.Length; i++)
            {
                if (hot[i] < 0) continue;
                var outer = i / inner;
                destination[(outer * depth + hot[i]) * inner + i % inner] = source[1];
            }
        }
    }
}
