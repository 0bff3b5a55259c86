namespace Compression.Engine.Calibration;

/// <summary>The statistics of each requested value and how many samples produced them.</summary>
internal sealed record CollectedStatistics(IReadOnlyDictionary<string, TensorStatistics> Statistics, int Samples);
