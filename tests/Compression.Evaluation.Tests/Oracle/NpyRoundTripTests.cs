using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>
/// The oracle's own .npy reader and writer against numpy: an Identity model per element type turns the oracle into an
/// echo, so numpy's file in must equal numpy's reading of the oracle's file out, value for value.
/// </summary>
public sealed class NpyRoundTripTests
{
    // Builds an Identity model for the dtype and writes the input in the requested header version, byte order and
    // memory order, with extreme values of the type (and NaN/inf for floats) so no conversion can hide.
    private const string PrepareScript = """
        import sys, numpy as np, onnx
        from onnx import helper, mapping
        folder, dtype_name, version, byteorder, order = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        dtype = np.dtype(dtype_name)
        elem = mapping.NP_TYPE_TO_TENSOR_TYPE[dtype]
        shape = (2, 3, 4)
        rng = np.random.default_rng(3)
        if dtype.kind == "f":
            a = (rng.standard_normal(shape) * 100).astype(dtype)
            a.flat[0], a.flat[1], a.flat[2], a.flat[3] = np.nan, np.inf, -np.inf, np.finfo(dtype).max
        elif dtype.kind == "b":
            a = rng.random(shape) < 0.5
        else:
            info = np.iinfo(dtype)
            a = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
            a.flat[0], a.flat[1] = info.min, info.max
        if byteorder == "big":
            a = a.astype(dtype.newbyteorder(">"))
        if order == "F":
            a = np.asfortranarray(a)
        np.save(f"{folder}/expected.npy", a)
        with open(f"{folder}/in/input_0.npy", "wb") as f:
            np.lib.format.write_array(f, a, version=(version, 0))
        x = helper.make_tensor_value_info("x", elem, list(shape))
        y = helper.make_tensor_value_info("y", elem, list(shape))
        graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "echo", [x], [y])
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{folder}/echo.onnx")
        """;

    private const string CompareScript = """
        import sys, numpy as np
        expected, actual = np.load(sys.argv[1]), np.load(sys.argv[2])
        assert actual.dtype == expected.dtype.newbyteorder("<") or actual.dtype == expected.dtype, f"dtype {actual.dtype} != {expected.dtype}"
        assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
        assert actual.flags.c_contiguous
        same = np.array_equal(actual, expected, equal_nan=actual.dtype.kind == "f")
        assert same, "values differ"
        print("ok")
        """;

    public static TheoryData<string, int, string, string> Cases => new()
    {
        { "float32", 1, "little", "C" },
        { "float32", 3, "little", "F" },
        { "float64", 2, "little", "C" },
        { "float16", 3, "little", "C" },
        { "int8", 1, "little", "C" },
        { "uint8", 2, "little", "C" },
        { "int16", 1, "big", "C" },
        { "uint16", 1, "little", "C" },
        { "int32", 1, "little", "F" },
        { "uint32", 1, "little", "C" },
        { "int64", 1, "little", "C" },
        { "int64", 2, "big", "F" },
        { "uint64", 1, "little", "C" },
        { "bool", 1, "little", "C" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Oracle_echoes_npy_values_exactly(string dtype, int headerVersion, string byteOrder, string memoryOrder)
    {
        using var temp = new TempFolder("npy");
        temp.CreateFolder("in");
        await Python.RunAsync(PrepareScript, temp.Path, dtype, headerVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), byteOrder, memoryOrder);

        var result = await OnnxRuntimeOracle.RunAsync(temp.Combine("echo.onnx"), temp.Combine("in"), temp.Combine("out"));

        Assert.Equal(dtype, result.Outputs.Single().DType);
        Assert.Equal([2L, 3, 4], result.Outputs.Single().Shape);
        Assert.Equal("ok", (await Python.RunAsync(CompareScript, temp.Combine("expected.npy"), result.OutputFiles[0])).Trim());
    }
}
