namespace Compression.Engine.Pipeline;

/// <summary>What a pass did: how many tensors it changed, their bytes before and after, and notes worth reading.</summary>
internal sealed record PassReport(string Pass, int TensorsChanged, long BytesBefore, long BytesAfter, IReadOnlyList<string> Notes)
{
    public static PassReport Nothing(string pass, string note) => new(pass, 0, 0, 0, [note]);
}
