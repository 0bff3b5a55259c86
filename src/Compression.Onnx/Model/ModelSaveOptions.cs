namespace Compression.Onnx.Model;

/// <summary>When tensors go to an external data file on save.</summary>
public enum ExternalDataMode
{
    /// <summary>Only when the tensors would push the file past the protobuf limit (see <see cref="ModelSaveOptions.ExternalDataThresholdBytes"/>).</summary>
    Auto,
    /// <summary>Every tensor of at least <see cref="ModelSaveOptions.MinExternalTensorBytes"/> goes to the data file.</summary>
    Always,
    /// <summary>Everything inline; a model past the protobuf limit cannot be saved this way.</summary>
    Never,
}

/// <summary>How a model is written.</summary>
public sealed record ModelSaveOptions
{
    /// <summary>Protobuf cannot encode a message of 2 GiB or more; leave room for everything that is not tensor data.</summary>
    public const long ProtobufLimitBytes = 2L * 1024 * 1024 * 1024 - 64L * 1024 * 1024;

    public ExternalDataMode ExternalData { get; init; } = ExternalDataMode.Auto;

    /// <summary>In <see cref="ExternalDataMode.Auto"/>, tensor bytes above which tensors move to the data file.</summary>
    public long ExternalDataThresholdBytes { get; init; } = ProtobufLimitBytes;

    /// <summary>Tensors smaller than this stay inline even when the others go external (shapes, scales, small constants).</summary>
    public int MinExternalTensorBytes { get; init; } = 1024;

    /// <summary>The data file's name beside the model; default: the model's file name plus <c>.data</c>.</summary>
    public string? ExternalDataFileName { get; init; }

    public static ModelSaveOptions Default { get; } = new();
}
