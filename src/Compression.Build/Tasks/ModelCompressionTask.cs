using Compression.Build.Diagnostics;
using Microsoft.Build.Utilities;

namespace Compression.Build.Tasks;

/// <summary>
/// The base of the tasks that run in MSBuild's process: the body is <see cref="ExecuteCore"/>, which reports a failure
/// by throwing <see cref="ModelCompressionException"/>; <see cref="TaskDiagnostics.Run"/> logs it. The tasks that run
/// the engine derive from ToolTask instead (<see cref="EngineToolTask"/>), whose Execute goes through the same Run.
/// </summary>
public abstract class ModelCompressionTask : Task
{
    public sealed override bool Execute() => TaskDiagnostics.Run(Log, ExecuteCore);

    /// <summary>The task's work; warnings and errors that do not stop it go to <see cref="Task.Log"/> directly.</summary>
    protected abstract void ExecuteCore();
}
