using Compression.Evaluation.Kernels;

namespace Compression.Evaluation.Execution;

/// <summary>
/// Kernels looked up by (domain, operator, version), as ONNX Runtime's registry does. Each kernel family registers its
/// kernels in one method (Kernels/*/…Kernels.cs); a version not registered is unsupported, never approximated by a
/// neighbouring one.
/// </summary>
public sealed class KernelRegistry
{
    private readonly Dictionary<(string Domain, string Op, int Version), IKernel> _kernels = new();

    public static KernelRegistry Default { get; } = CreateDefault();

    /// <summary>Registers <paramref name="kernel"/> for each listed operator version.</summary>
    public void Add(string op, IKernel kernel, params int[] versions) => Add("", op, kernel, versions);

    public void Add(string domain, string op, IKernel kernel, params int[] versions)
    {
        foreach (var v in versions)
            if (!_kernels.TryAdd((domain, op, v), kernel))
                throw new InvalidOperationException($"{domain}:{op} version {v} is registered twice");
    }

    public IKernel? Find(string domain, string op, int version) => _kernels.GetValueOrDefault((domain, op, version));

    /// <summary>Every (operator, version) pair with a kernel, for reports and tests.</summary>
    public IEnumerable<(string Domain, string Op, int Version)> Registered => _kernels.Keys;

    private static KernelRegistry CreateDefault()
    {
        var registry = new KernelRegistry();
        KernelFamilies.RegisterAll(registry);
        return registry;
    }
}
