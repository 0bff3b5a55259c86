namespace Compression.Engine.Distillation;

/// <summary>
/// How a compressed layer stores its weight, and so which values the layer-wise fit may choose: any float (a dense or
/// pruned float weight), a point of an integer grid with fixed scales (int8, int4, the integer product of dynamic
/// quantization), or one of a codebook's values (weight sharing). Values are read and written in the weight tensor's
/// own flat layout; <see cref="ProductLayout"/> maps them to the product's rows and columns.
/// </summary>
internal abstract class WeightForm
{
    /// <summary>A word for the report: float, int8, int4, shared, ...</summary>
    public abstract string Kind { get; }

    /// <summary>The float values the layer computes with.</summary>
    public abstract float[] Read();

    /// <summary>The representable value nearest <paramref name="value"/> for the element at <paramref name="flat"/>.</summary>
    public abstract double Project(int flat, double value);

    /// <summary>The representable value a pruned element holds (0, or the codebook entry standing for 0).</summary>
    public virtual double Zero(int flat) => 0;

    /// <summary>Which elements are pruned zeros that stay pruned: the ones the form stores as its zero.</summary>
    public virtual bool[] Pruned()
    {
        var values = Read();
        return values.Select(v => v == 0f).ToArray();
    }

    /// <summary>Stores values that <see cref="Project"/> (or <see cref="Zero"/>) returned.</summary>
    public abstract void Write(double[] values);
}
