namespace Compression.Engine.Reporting;

/// <summary>
/// How faithful one output of the compressed model is: SQNR in dB (null when the outputs are identical: infinite
/// SQNR has no JSON number), the largest absolute error, and for class scores the top-1 agreement.
/// </summary>
public sealed record OutputFidelity(string Output, double? SqnrDb, double MaxAbsError, double? Top1Agreement);

/// <summary>The fidelity of a compressed model: per output, over which inputs, and what running cost the build machine measured.</summary>
public sealed record FidelityReport(
    string Inputs,
    int Samples,
    IReadOnlyList<OutputFidelity> Outputs,
    double OriginalMilliseconds,
    double CompressedMilliseconds);
