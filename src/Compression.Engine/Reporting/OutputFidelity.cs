namespace Compression.Engine.Reporting;

/// <summary>
/// How faithful one output of the compressed model is: SQNR in dB (null when the outputs are identical: infinite
/// SQNR has no JSON number), the largest absolute error, and for class scores the top-1 agreement.
/// </summary>
internal sealed record OutputFidelity(string Output, double? SqnrDb, double MaxAbsError, double? Top1Agreement);

/// <summary>The fidelity of a compressed model: per output, over which inputs, and what running cost the build machine measured.</summary>
internal sealed record FidelityReport(
    string Inputs,
    int Samples,
    IReadOnlyList<OutputFidelity> Outputs,
    double OriginalMilliseconds,
    double CompressedMilliseconds)
{
    /// <summary>With labels.npy in the validation data: the share of samples each model classifies right, in percent.</summary>
    public LabelledAccuracy? Accuracy { get; init; }
}

/// <summary>Labelled accuracy in percent of the original and the compressed model, on the same samples.</summary>
internal sealed record LabelledAccuracy(int Samples, double OriginalPercent, double CompressedPercent)
{
    /// <summary>Points of accuracy lost (negative when the compressed model does better).</summary>
    public double LossPoints => OriginalPercent - CompressedPercent;
}
