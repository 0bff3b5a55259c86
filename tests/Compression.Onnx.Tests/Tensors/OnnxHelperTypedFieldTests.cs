using Compression.Onnx.DataFiles;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using Compression.Onnx.Tests.DataFiles;

namespace Compression.Onnx.Tests.Tensors;

/// <summary>
/// The typed fields checked against ONNX's own Python helpers (onnx 1.12): tensors onnx.helper.make_tensor writes
/// without raw_data read back with their values, and typed tensors TensorData writes decode in onnx.numpy_helper.
/// The backend test suite stores almost everything in raw_data, so this is where the typed-field rules meet an oracle.
/// </summary>
public class OnnxHelperTypedFieldTests
{
    [Fact]
    public void TensorsOnnxHelperWritesInTypedFieldsReadWithTheirValues()
    {
        using var temp = new TempFolder();
        SystemPython.Run("""
            import sys, os
            import numpy as np
            from onnx import helper, TensorProto as TP
            specs = {
                'float': (TP.FLOAT, [1.5, -0.0, float('inf')]),
                'double': (TP.DOUBLE, [2.5, -1e300]),
                'float16': (TP.FLOAT16, np.array([1, -2, 65504], dtype=np.float16)),
                'bfloat16': (TP.BFLOAT16, [1.0, -3.140625, 1.00390625]),
                'int8': (TP.INT8, [-128, 127]),
                'uint8': (TP.UINT8, [0, 255]),
                'int16': (TP.INT16, [-32768, 32767]),
                'uint16': (TP.UINT16, [0, 65535]),
                'int32': (TP.INT32, [-2**31, 2**31 - 1]),
                'uint32': (TP.UINT32, [0, 2**32 - 1]),
                'int64': (TP.INT64, [-2**63, 2**63 - 1]),
                'uint64': (TP.UINT64, [0, 2**64 - 1]),
                'bool': (TP.BOOL, [True, False, True]),
                'string': (TP.STRING, [b'a', 'Grüße'.encode('utf-8')]),
            }
            for name, (dt, vals) in specs.items():
                t = helper.make_tensor(name, dt, [len(vals)], vals, raw=False)
                assert not t.HasField('raw_data'), name
                with open(os.path.join(sys.argv[1], name + '.pb'), 'wb') as f:
                    f.write(t.SerializeToString())
            """, temp.Path);

        TensorProto Load(string name) => TensorProtoFile.Read(temp.File(name + ".pb"));
        Assert.Equal([1.5f, -0f, float.PositiveInfinity], TensorData.Read<float>(Load("float")));
        Assert.Equal([2.5, -1e300], TensorData.Read<double>(Load("double")));
        Assert.Equal([(Half)1, (Half)(-2), Half.MaxValue], TensorData.Read<Half>(Load("float16")));
        // onnx rounds 1 + 2^-8 to even, as BFloat16.FromSingle does.
        Assert.Equal([1f, -3.140625f, 1f], TensorData.ReadAsFloat(Load("bfloat16")));
        Assert.Equal([sbyte.MinValue, sbyte.MaxValue], TensorData.Read<sbyte>(Load("int8")));
        Assert.Equal([byte.MinValue, byte.MaxValue], TensorData.Read<byte>(Load("uint8")));
        Assert.Equal([short.MinValue, short.MaxValue], TensorData.Read<short>(Load("int16")));
        Assert.Equal([ushort.MinValue, ushort.MaxValue], TensorData.Read<ushort>(Load("uint16")));
        Assert.Equal([int.MinValue, int.MaxValue], TensorData.Read<int>(Load("int32")));
        Assert.Equal([uint.MinValue, uint.MaxValue], TensorData.Read<uint>(Load("uint32")));
        Assert.Equal([long.MinValue, long.MaxValue], TensorData.Read<long>(Load("int64")));
        Assert.Equal([ulong.MinValue, ulong.MaxValue], TensorData.Read<ulong>(Load("uint64")));
        Assert.Equal([true, false, true], TensorData.Read<bool>(Load("bool")));
        Assert.Equal(["a", "Grüße"], TensorData.ReadStrings(Load("string")));
    }

    [Fact]
    public void TypedTensorsTensorDataWritesDecodeInOnnxNumpyHelper()
    {
        using var temp = new TempFolder();
        const TensorStorage typed = TensorStorage.TypedFields;
        var tensors = new[]
        {
            TensorData.Create<float>("float", [2], [1.5f, float.NegativeInfinity], typed),
            TensorData.Create<double>("double", [1], [0.1], typed),
            TensorData.Create<Half>("float16", [2], [(Half)0.5, Half.MinValue], typed),
            TensorData.Create<BFloat16>("bfloat16", [2], [BFloat16.FromSingle(2), BFloat16.FromSingle(-0.375f)], typed),
            TensorData.Create<sbyte>("int8", [2], [-128, 5], typed),
            TensorData.Create<byte>("uint8", [1], [255], typed),
            TensorData.Create<short>("int16", [1], [-300], typed),
            TensorData.Create<ushort>("uint16", [1], [65535], typed),
            TensorData.Create<int>("int32", [1], [int.MinValue], typed),
            TensorData.Create<uint>("uint32", [1], [uint.MaxValue], typed),
            TensorData.Create<long>("int64", [1], [long.MinValue], typed),
            TensorData.Create<ulong>("uint64", [1], [ulong.MaxValue], typed),
            TensorData.Create<bool>("bool", [2], [false, true], typed),
            TensorData.CreateStrings("string", [2], ["x", "日本"]),
        };
        foreach (var t in tensors)
            TensorProtoFile.Write(temp.File(t.Name + ".pb"), t);

        var output = SystemPython.Run("""
            import sys, os, onnx
            from onnx import numpy_helper
            for name in sys.argv[2:]:
                t = onnx.TensorProto()
                t.ParseFromString(open(os.path.join(sys.argv[1], name + '.pb'), 'rb').read())
                assert not t.HasField('raw_data'), name
                a = numpy_helper.to_array(t)
                vals = [v.decode('utf-8') if isinstance(v, bytes) else v for v in a.tolist()]
                print(name, repr(vals), sep='\t')
            """, [temp.Path, .. tensors.Select(t => t.Name)]);

        string[] expected =
        [
            "float\t[1.5, -inf]",
            "double\t[0.1]",
            "float16\t[0.5, -65504.0]",
            "bfloat16\t[2.0, -0.375]",
            "int8\t[-128, 5]",
            "uint8\t[255]",
            "int16\t[-300]",
            "uint16\t[65535]",
            "int32\t[-2147483648]",
            "uint32\t[4294967295]",
            "int64\t[-9223372036854775808]",
            "uint64\t[18446744073709551615]",
            "bool\t[False, True]",
            "string\t['x', '日本']",
        ];
        Assert.Equal(expected, SystemPython.Lines(output));
    }
}
