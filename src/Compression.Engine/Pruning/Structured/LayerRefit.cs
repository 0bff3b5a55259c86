using Compression.Engine.Preprocessing;
using Compression.Evaluation.Tensors;
using Compression.Onnx.Editing;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Compression.Engine.Pruning.Structured;

/// <summary>
/// The least-squares refit of one dense layer whose inputs lost channels: find weights W (and bias) over the channels
/// it still reads that map its inputs in the pruned model to its outputs in the unpruned one, per output channel:
/// min ‖A·W − Y‖² + λ‖W − W₀‖², A the patches (im2col rows) of the pruned input, Y the original outputs, W₀ the
/// pruned weights. Only the normal equations AᵀA and AᵀY are kept, so memory is columns², not rows·columns; the ridge
/// toward W₀ (λ = 10⁻³ of the mean diagonal) keeps directions the data never excites where they were. The system is
/// solved by MathNet's dense QR, one right-hand side per output channel. Rows are sampled on a fixed stride through
/// each sample's positions, and sums run in sample order: the result is the same bytes on every run.
/// </summary>
internal sealed class LayerRefit(PrunableLayer layer, int[] outputs, int samples)
{
    private PatchRows? _rows;
    private bool _unsupported;
    private Matrix<double>? _gram;
    private Matrix<double>? _cross;
    private double _targetEnergy;

    public PrunableLayer Layer { get; } = layer;

    /// <summary>Squared error of the pruned weights and of the refit ones on the calibration rows, once solved.</summary>
    public (double Before, double After, double Signal)? Error { get; private set; }

    public bool Ready => _gram is not null && !_unsupported;

    /// <summary>Adds one sample: <paramref name="input"/> from the pruned model, <paramref name="target"/> the original layer's output.</summary>
    public void Accumulate(Tensor input, Tensor target)
    {
        if (_unsupported) return;
        Numerics.ManagedLinearAlgebra.Ensure();
        var weightDims = Layer.Weight.Tensor.Dims.ToArray();
        _rows ??= Layer.Kind == LayerKind.Gemm ? (input.Rank == 2 ? PatchRows.Gemm : null) : PatchRows.Conv(Layer.Node, weightDims, input.Shape, target.Shape);
        if (_rows is null || (Layer.Kind == LayerKind.Gemm && target.Rank != 2)) { _unsupported = true; return; }
        var channels = input.Shape[1];
        var (height, width) = input.Rank == 4 ? (input.Shape[2], input.Shape[3]) : (1, 1);
        var (oh, ow) = target.Rank == 4 ? (target.Shape[2], target.Shape[3]) : (1, 1);
        var columns = _rows.Columns(channels);
        var positions = (long)target.Shape[0] * oh * ow;
        var budget = Math.Max(4096, 8 * columns);
        var take = (int)Math.Min(positions, Math.Max(64, (budget + samples - 1) / samples));
        var a = Matrix<double>.Build.Dense(take, columns);
        var y = Matrix<double>.Build.Dense(take, outputs.Length);
        var row = new double[columns];
        var x = input.ReadOnlySpan<float>();
        var t = target.ReadOnlySpan<float>();
        var m = target.Shape[1];
        for (var r = 0; r < take; r++)
        {
            var p = positions * r / take;
            var (n, rest) = ((int)(p / (oh * ow)), (int)(p % (oh * ow)));
            _rows.Write(x, channels, height, width, n, rest / ow, rest % ow, row);
            for (var k = 0; k < columns; k++) a[r, k] = row[k];
            for (var j = 0; j < outputs.Length; j++)
            {
                var v = t[(((n * m) + outputs[j]) * oh * ow) + rest];
                y[r, j] = v;
                _targetEnergy += (double)v * v;
            }
        }
        _gram = _gram is null ? a.TransposeThisAndMultiply(a) : _gram + a.TransposeThisAndMultiply(a);
        _cross = _cross is null ? a.TransposeThisAndMultiply(y) : _cross + a.TransposeThisAndMultiply(y);
    }

    /// <summary>Solves and writes the refit weights and bias into the model (a bias is added when the layer had none).</summary>
    public void SolveAndWrite(ModelProto model, UniqueNames names)
    {
        if (!Ready) return;
        var gram = _gram!;
        var cross = _cross!;
        var columns = gram.RowCount;
        var prior = Prior(columns);
        var solution = Numerics.RidgeLeastSquares.Solve(gram, cross, prior);
        Error = (Numerics.RidgeLeastSquares.Error(prior, gram, cross, _targetEnergy),
            Numerics.RidgeLeastSquares.Error(solution, gram, cross, _targetEnergy), _targetEnergy);
        Write(model, names, solution);
    }

    /// <summary>The pruned layer's own weights and bias in the solution's layout (columns × outputs), Gemm's alpha and beta applied.</summary>
    private Matrix<double> Prior(int columns)
    {
        var w = TensorData.Read<float>(Layer.Weight.Tensor);
        var prior = Matrix<double>.Build.Dense(columns, outputs.Length);
        var (alpha, beta) = (Float("alpha"), Float("beta"));
        for (var j = 0; j < outputs.Length; j++)
            for (var k = 0; k < columns - 1; k++)
                prior[k, j] = alpha * w[WeightIndex(j, k, columns - 1)];
        if (Layer.Bias is { } bias)
        {
            var b = TensorData.Read<float>(bias.Tensor);
            for (var j = 0; j < outputs.Length; j++) prior[columns - 1, j] = beta * b[j];
        }
        return prior;
    }

    private void Write(ModelProto model, UniqueNames names, Matrix<double> solution)
    {
        var inputs = solution.RowCount - 1;
        var weights = new float[inputs * outputs.Length];
        for (var j = 0; j < outputs.Length; j++)
            for (var k = 0; k < inputs; k++)
                weights[WeightIndex(j, k, inputs)] = (float)solution[k, j];
        TensorData.Replace<float>(Layer.Weight.Tensor, Layer.Weight.Tensor.Dims.ToArray(), weights);
        var bias = Enumerable.Range(0, outputs.Length).Select(j => (float)solution[inputs, j]).ToArray();
        if (Layer.Bias is { } existing)
        {
            TensorData.Replace<float>(existing.Tensor, existing.Tensor.Dims.ToArray(), bias);
        }
        else
        {
            var tensor = new TensorProto { Name = names.Next($"{Layer.Node.Name}_refit_bias") };
            TensorData.Replace<float>(tensor, [outputs.Length], bias);
            ConstantStorage.Add(model, model.Graph, tensor, names.Next($"{tensor.Name}_constant"));
            while (Layer.Node.Input.Count < 2) Layer.Node.Input.Add("");
            if (Layer.Node.Input.Count == 2) Layer.Node.Input.Add(tensor.Name);
            else Layer.Node.Input[2] = tensor.Name;
        }
        // The solution is the effective product and bias: Gemm's alpha and beta are folded into them.
        Layer.Node.RemoveAttribute("alpha");
        Layer.Node.RemoveAttribute("beta");
    }

    /// <summary>Where weight element (output j, input column k) sits in the pruned weight tensor.</summary>
    private int WeightIndex(int j, int k, int inputs) =>
        Layer.Kind == LayerKind.Gemm && Layer.OutAxis == 1 ? (k * outputs.Length) + j : (j * inputs) + k;

    private double Float(string name) =>
        Layer.Kind == LayerKind.Gemm ? Layer.Node.GetFloat(name, 1) : 1;
}
