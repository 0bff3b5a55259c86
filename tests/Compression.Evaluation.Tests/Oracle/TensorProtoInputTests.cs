using Compression.Testing;

namespace Compression.Evaluation.Tests.Oracle;

/// <summary>
/// The oracle reads input_&lt;i&gt;.pb (serialized TensorProto) as `modelc run` does, from raw_data and from each typed
/// field: an Identity model echoes the tensor, numpy compares with what ONNX's own helper encoded.
/// </summary>
public sealed class TensorProtoInputTests
{
    private const string PrepareScript = """
        import sys, numpy as np, onnx
        from onnx import helper, mapping, numpy_helper
        folder, dtype_name, raw = sys.argv[1], sys.argv[2], sys.argv[3] == "raw"
        dtype = np.dtype(dtype_name)
        elem = mapping.NP_TYPE_TO_TENSOR_TYPE[dtype]
        shape = (3, 5)
        rng = np.random.default_rng(11)
        if dtype.kind == "f":
            a = (rng.standard_normal(shape) * 10).astype(dtype)
        elif dtype.kind == "b":
            a = rng.random(shape) < 0.5
        else:
            info = np.iinfo(dtype)
            a = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
            a.flat[0], a.flat[1] = info.min, info.max
        np.save(f"{folder}/expected.npy", a)
        tensor = onnx.TensorProto(name="x", data_type=elem, dims=list(shape))
        if raw:
            tensor.raw_data = a.tobytes()
        # Not raw: each type has its typed field, as onnx.proto documents it; float16 keeps its bits in int32_data.
        elif dtype == np.float32:
            tensor.float_data.extend(a.flatten().tolist())
        elif dtype == np.float64:
            tensor.double_data.extend(a.flatten().tolist())
        elif dtype == np.float16:
            tensor.int32_data.extend(a.view(np.uint16).flatten().tolist())
        elif dtype == np.int64:
            tensor.int64_data.extend(a.flatten().tolist())
        elif dtype in (np.uint32, np.uint64):
            tensor.uint64_data.extend(a.flatten().tolist())
        else:
            tensor.int32_data.extend(a.astype(np.int32).flatten().tolist())
        # ONNX's own reader must agree with the encoding, or the test would prove nothing.
        assert np.array_equal(numpy_helper.to_array(tensor), a)
        assert tensor.HasField("raw_data") == raw
        with open(f"{folder}/in/input_0.pb", "wb") as f:
            f.write(tensor.SerializeToString())
        x = helper.make_tensor_value_info("x", elem, list(shape))
        y = helper.make_tensor_value_info("y", elem, list(shape))
        graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "echo", [x], [y])
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{folder}/echo.onnx")
        """;

    private const string CompareScript = """
        import sys, numpy as np
        expected, actual = np.load(sys.argv[1]), np.load(sys.argv[2])
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, f"{actual.dtype}{actual.shape} != {expected.dtype}{expected.shape}"
        assert np.array_equal(actual, expected), "values differ"
        print("ok")
        """;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var dtype in new[] { "float32", "float64", "float16", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool" })
        {
            data.Add(dtype, "raw");
            data.Add(dtype, "typed");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Oracle_reads_tensor_proto_inputs_exactly(string dtype, string encoding)
    {
        using var temp = new TempFolder("pb");
        temp.CreateFolder("in");
        await Python.RunAsync(PrepareScript, temp.Path, dtype, encoding);

        var result = await OnnxRuntimeOracle.RunAsync(temp.Combine("echo.onnx"), temp.Combine("in"), temp.Combine("out"));

        Assert.Equal("input_0.pb", result.Json.GetProperty("inputs")[0].GetProperty("file").GetString());
        Assert.Equal("ok", (await Python.RunAsync(CompareScript, temp.Combine("expected.npy"), result.OutputFiles[0])).Trim());
    }
}
