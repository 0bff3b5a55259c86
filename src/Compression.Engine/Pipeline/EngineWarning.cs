namespace Compression.Engine.Pipeline;

/// <summary>
/// Something a pass wants the user to know without failing the build — above all a fallback (static int8 without
/// calibration data runs int8-weight instead). The build reports it as an MSBuild warning on the model's file.
/// </summary>
internal sealed record EngineWarning(string Code, string Message);
