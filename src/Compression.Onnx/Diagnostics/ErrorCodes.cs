namespace Compression.Onnx.Diagnostics;

/// <summary>
/// Every diagnostic code of the ONNX layer in one place. 1xxx: the model file; 11xx: tensor data; 12xx: data-set files;
/// 13xx: structural checks. Codes are never reused; docs/diagnostics.md explains each.
/// </summary>
public static class ErrorCodes
{
    public const string ModelNotFound = "MCB1001";
    public const string ModelEmpty = "MCB1002";
    public const string ModelCorrupt = "MCB1003";
    public const string ModelNestedTooDeeply = "MCB1004";
    public const string ExternalDataMissing = "MCB1005";
    public const string ExternalDataEscapes = "MCB1006";
    public const string ExternalDataOutOfRange = "MCB1007";
    public const string ModelNoGraph = "MCB1008";
    public const string ModelWriteFailed = "MCB1009";

    public const string TensorDataSizeMismatch = "MCB1101";
    public const string TensorDimsInvalid = "MCB1102";
    public const string TensorElementTypeUnsupported = "MCB1103";
    public const string TensorTooLarge = "MCB1104";
    public const string TensorElementTypeMismatch = "MCB1105";
    public const string TensorDataNotLoaded = "MCB1106";
    public const string TensorValueOutOfRange = "MCB1107";

    public const string DataFileInvalid = "MCB1201";
    public const string DataFileNotFound = "MCB1202";
    public const string DataFileUnsupported = "MCB1203";
    public const string DataFileWriteFailed = "MCB1204";

    public const string ModelCheckFailed = "MCB1301";
    /// <summary>A warning: the model deviates from the format in a way ONNX Runtime accepts, and the engine repairs it on load.</summary>
    public const string ModelRepaired = "MCB1302";
}
