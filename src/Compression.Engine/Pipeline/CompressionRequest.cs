namespace Compression.Engine.Pipeline;

/// <summary>One model to compress: where it is, where the result goes, and the profile whose recipe applies.</summary>
public sealed record CompressionRequest(string ModelPath, string OutputPath, string Profile);
