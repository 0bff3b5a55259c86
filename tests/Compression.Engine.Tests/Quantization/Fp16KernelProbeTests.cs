using Compression.Engine.Quantization;
using Compression.Testing;
using Xunit.Abstractions;

namespace Compression.Engine.Tests.Quantization;

/// <summary>
/// <see cref="Fp16CpuKernels"/> is what ONNX Runtime's CPU provider actually refuses in fp16: each listed operator's
/// fp16 model fails to load, each other probed one loads (natively in fp16, or through Casts ONNX Runtime inserts).
/// </summary>
public class Fp16KernelProbeTests
{
    private readonly ITestOutputHelper _output;

    public Fp16KernelProbeTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Operators()
    {
        var data = new TheoryData<string>();
        foreach (var probe in Fp16KernelProbe.Cases) data.Add(probe.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(Operators))]
    public void The_list_of_operators_without_an_fp16_cpu_kernel_matches_what_onnx_runtime_does(string name)
    {
        using var temp = new TempFolder("fp16-probe");
        var probe = Fp16KernelProbe.Cases.Single(c => c.ToString() == name);
        var outcome = Fp16KernelProbe.Probe(probe, temp);
        _output.WriteLine($"{name}: {outcome}");
        Assert.Equal(Fp16CpuKernels.Refuses(probe.Op, probe.Opset), outcome == Fp16KernelProbe.Outcome.Refused);
    }
}
