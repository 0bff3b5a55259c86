using Compression.Evaluation.Kernels.NeuralNetwork.Linear;
using Compression.Evaluation.Kernels.NeuralNetwork.Spatial;
using Compression.Evaluation.Tensors;

namespace Compression.Evaluation.Kernels.NeuralNetwork.Convolution;

/// <summary>Constant weights packed into <see cref="GemmCore"/>'s A layout once per plan, one block per group.</summary>
internal sealed record PackedWeights(float[] Packed, int GroupSize);

/// <summary>
/// What <see cref="Conv.Prepare"/> resolves once per plan for a node with constant weights: its attributes and window,
/// the packed weights, the transposed weights of a 1×1 convolution (for one output position, <see cref="Gemv"/>),
/// whether depthwise weights are all finite (<see cref="DepthwisePadded"/>), and the geometry of the last input size
/// seen.
/// </summary>
internal sealed class PreparedConv(Tensor weight, int group, WindowGeometry.Attributes window, PackedWeights? packed, float[]? transposed, bool finite)
{
    public Tensor Weight { get; } = weight;
    public int Group { get; } = group;
    public WindowGeometry.Attributes Window { get; } = window;
    public PackedWeights? Packed { get; } = packed;
    /// <summary>Weights [k, m] (row kk holds every filter's k-th weight), for 1×1 convolutions of group 1.</summary>
    public float[]? Transposed { get; } = transposed;
    public bool FiniteWeights { get; } = finite;

    /// <summary>The last (input spatial dims, geometry) pair; replaced whole, so concurrent runs see one or the other.</summary>
    private GeometryEntry? _last;

    public WindowGeometry Geometry(ReadOnlySpan<int> spatial)
    {
        if (_last is { } e && spatial.SequenceEqual(e.Spatial)) return e.Geometry;
        var g = WindowGeometry.Create(Window, spatial);
        _last = new GeometryEntry(spatial.ToArray(), g);
        return g;
    }

    private sealed record GeometryEntry(int[] Spatial, WindowGeometry Geometry);
}
