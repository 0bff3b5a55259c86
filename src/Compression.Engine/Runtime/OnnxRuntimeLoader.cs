using System.Reflection;
using System.Runtime.InteropServices;
using Compression.Engine.Pipeline;
using Microsoft.ML.OnnxRuntime;

namespace Compression.Engine.Runtime;

/// <summary>
/// Loads the chosen native library once per process: the binding's P/Invokes name "onnxruntime", and a DllImport
/// resolver (set before ORT's first use) points that name at the chosen file. .NET binds a library name once, so the
/// first choice stays for the life of the process; a later request for another library gets what is loaded, with
/// warning MCB2303 naming both. A choice that cannot load leaves the check skipped (warning MCB2302).
/// </summary>
internal static class OnnxRuntimeLoader
{
    // The one piece of process state in the engine, and on purpose: it mirrors .NET's own binding of the library
    // name, which is made once per process and cannot be undone.
    private static readonly Binding Process = new();

    /// <summary>Loads <paramref name="choice"/> (or finds it loaded) and says what the check can use.</summary>
    public static OnnxRuntimeBinding Load(OnnxRuntimeChoice choice)
    {
        if (choice.Unavailable is { } why) return OnnxRuntimeBinding.Skipped(choice, why);
        lock (Process)
        {
            if (Process.Bound is null)
            {
                Process.Bound = choice;
                (Process.LoadedVersion, Process.Failure) = Bind(choice);
            }
            if (Process.Failure is { } failure)
                return OnnxRuntimeBinding.Skipped(Process.Bound, $"{Process.Bound.Describe()} failed to load: {failure}");
            var binding = new OnnxRuntimeBinding(Process.LoadedVersion!, Process.Bound.Source, null, null);
            return SameLibrary(Process.Bound, choice) ? binding : binding with
            {
                Warning = new EngineWarning(EngineErrorCodes.OnnxRuntimeAlreadyLoaded,
                    $"{choice.Describe()} was asked for, but this process already loaded {Process.Bound.Describe()}, which stays for the life of the process; the check uses ONNX Runtime {Process.LoadedVersion}."),
            };
        }
    }

    private static bool SameLibrary(OnnxRuntimeChoice a, OnnxRuntimeChoice b) =>
        a.UsesDefaultProbing == b.UsesDefaultProbing && string.Equals(a.LibraryPath, b.LibraryPath, StringComparison.Ordinal);

    private static (string? Version, string? Failure) Bind(OnnxRuntimeChoice choice)
    {
        try
        {
            if (choice.LibraryPath is { } path)
            {
                var library = path;
                NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly,
                    (name, _, _) => name == "onnxruntime" ? NativeLibrary.Load(library) : IntPtr.Zero);
            }
            // ORT logs to stderr by default; its errors reach the check as exceptions, so only fatal ones are printed.
            var options = new EnvironmentCreationOptions { logId = "modelc", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            var env = OrtEnv.CreateInstanceWithOptions(ref options);
            return (env.GetVersionString(), null);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException
            or TypeInitializationException or OnnxRuntimeException or InvalidOperationException or TargetInvocationException)
        {
            return (null, Innermost(e).Message);
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private sealed class Binding
    {
        public OnnxRuntimeChoice? Bound { get; set; }
        public string? LoadedVersion { get; set; }
        public string? Failure { get; set; }
    }
}

/// <summary>What the check can use: the loaded ORT's version and source, or why there is none, and a warning to report.</summary>
internal sealed record OnnxRuntimeBinding(string Version, string Source, string? Unavailable, EngineWarning? Warning)
{
    public bool IsAvailable => Unavailable is null;

    public static OnnxRuntimeBinding Skipped(OnnxRuntimeChoice choice, string why) => new(choice.Version, choice.Source, why,
        new EngineWarning(EngineErrorCodes.OnnxRuntimeCheckSkipped, $"the ONNX Runtime check was skipped: {why}. The build goes on without it."));
}
