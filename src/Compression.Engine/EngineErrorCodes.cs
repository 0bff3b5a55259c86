namespace Compression.Engine;

/// <summary>Diagnostic codes of the engine (2xxx). Listed with the others in docs/diagnostics.md.</summary>
internal static class EngineErrorCodes
{
    public const string UnknownProfile = "MCB2001";
    public const string InvalidOptionValue = "MCB2002";
    public const string UnknownOption = "MCB2003";
    public const string NotImplemented = "MCB2004";
    public const string UnknownInput = "MCB2005";
    public const string OpsetConversionUnsupported = "MCB2006";
    /// <summary>An error: Distillation=layerwise without CalibrationData (the teacher needs data to teach on).</summary>
    public const string DistillationNeedsData = "MCB2009";
    /// <summary>A warning: initializers that were also graph inputs became constants (removed from graph.input), the IR raised.</summary>
    public const string InitializerInputsMadeConstant = "MCB2007";
    /// <summary>A warning: initializers that are also graph inputs stay overridable (KeepInitializerInputs), so no pass changes them.</summary>
    public const string InitializerInputsKept = "MCB2008";
    public const string FidelityNotMeasured = "MCB2101";
    public const string NoCalibrationData = "MCB2102";
    public const string StaticInt8Unavailable = "MCB2103";
    public const string DynamicInt8Unavailable = "MCB2104";
    public const string Int4Unavailable = "MCB2105";
    public const string StructuredPruningWithoutRefit = "MCB2120";
    public const string NothingToChange = "MCB2121";
    public const string BudgetExceeded = "MCB2201";
    public const string BudgetNeedsValidationData = "MCB2202";
    public const string BudgetNotMeasurable = "MCB2203";
    public const string OnnxRuntimeRefused = "MCB2301";
    public const string OnnxRuntimeCheckSkipped = "MCB2302";
    public const string OnnxRuntimeAlreadyLoaded = "MCB2303";
}
