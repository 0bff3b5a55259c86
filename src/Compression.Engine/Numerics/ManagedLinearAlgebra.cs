using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Compression.Engine.Numerics;

/// <summary>
/// Pins MathNet.Numerics to its managed linear-algebra provider before the engine factors anything. By default MathNet
/// probes for native MKL, OpenBLAS or CUDA providers (or takes one named by the MathNetNumericsLAProvider environment
/// variable), whose results differ in the last bits between libraries and CPUs; the managed provider computes each
/// element with the same sequence of IEEE operations everywhere (its parallel loops split independent elements only), so
/// SVDs and least-squares refits give the same bytes on every machine and thread count. The engine runs in a process of
/// its own (modelc), so this process-wide choice is ours to make.
/// </summary>
internal static class ManagedLinearAlgebra
{
    private const string DisableNativeProviders = "Switch.MathNet.Numerics.Providers.DisableNativeProviders";

    private const string ManagedName = "Managed";

    // Set before MathNet's first look at its providers, so it never loads a native one even for a moment.
    static ManagedLinearAlgebra() => AppContext.SetSwitch(DisableNativeProviders, true);

    /// <summary>Makes sure the managed provider is in use (again, if a host application chose another since).</summary>
    public static void Ensure()
    {
        if (Provider != ManagedName) Control.UseManaged();
    }

    /// <summary>The provider MathNet uses now, as MathNet names it ("Managed" once <see cref="Ensure"/> has run).</summary>
    public static string Provider => LinearAlgebraControl.Provider.ToString() ?? "";
}
