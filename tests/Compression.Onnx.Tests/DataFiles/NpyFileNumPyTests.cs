using Compression.Onnx.DataFiles;
using Compression.Onnx.Protobuf;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.DataFiles;

/// <summary>
/// NpyFile against the real NumPy: files NumPy wrote are read with the values NumPy reports, and files NpyFile writes
/// load in NumPy with the right dtype, shape and values — and are byte-identical to what np.save writes.
/// </summary>
public class NpyFileNumPyTests
{
    /// <summary>name → (ONNX type, shape); the python script below writes one file per entry.</summary>
    private static readonly Dictionary<string, (DataType Type, long[] Shape)> NumPyWritten = new()
    {
        ["f4"] = (DataType.Float, [2, 3]),
        ["f8"] = (DataType.Double, [4]),
        ["f2"] = (DataType.Float16, [5]),
        ["i1"] = (DataType.Int8, [3]),
        ["u1"] = (DataType.Uint8, [3]),
        ["i2"] = (DataType.Int16, [3]),
        ["u2"] = (DataType.Uint16, [3]),
        ["i4"] = (DataType.Int32, [3]),
        ["u4"] = (DataType.Uint32, [3]),
        ["i8"] = (DataType.Int64, [3]),
        ["u8"] = (DataType.Uint64, [3]),
        ["b1"] = (DataType.Bool, [2, 2]),
        ["c8"] = (DataType.Complex64, [2]),
        ["scalar"] = (DataType.Float, []),
        ["empty"] = (DataType.Int32, [0, 3]),
        ["v2"] = (DataType.Float, [2, 2]),
        ["v3"] = (DataType.Int64, [2]),
        ["big_i4"] = (DataType.Int32, [3]),
        ["big_f8"] = (DataType.Double, [2]),
        ["big_c16"] = (DataType.Complex128, [1]),
        ["native_f4"] = (DataType.Float, [2]),
        ["wide"] = (DataType.Float, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]),
    };

    private const string WriteEveryDtype = """
        import sys, os
        import numpy as np
        from numpy.lib import format as npf
        d = sys.argv[1]
        arrays = {
            'f4': np.array([[0, -1.5, 3.25], [np.inf, -np.inf, 1e-45]], dtype='<f4'),
            'f8': np.array([np.pi, -0.0, 1e308, 5e-324], dtype='<f8'),
            'f2': np.array([1, -2, 65504, 6e-8, np.inf], dtype='<f2'),
            'i1': np.array([-128, 0, 127], dtype='|i1'),
            'u1': np.array([0, 128, 255], dtype='|u1'),
            'i2': np.array([-32768, 1, 32767], dtype='<i2'),
            'u2': np.array([0, 1, 65535], dtype='<u2'),
            'i4': np.array([-2**31, 1, 2**31 - 1], dtype='<i4'),
            'u4': np.array([0, 1, 2**32 - 1], dtype='<u4'),
            'i8': np.array([-2**63, 1, 2**63 - 1], dtype='<i8'),
            'u8': np.array([0, 1, 2**64 - 1], dtype='<u8'),
            'b1': np.array([[True, False], [False, True]]),
            'c8': np.array([1 + 2j, -3.5 - 4j], dtype='<c8'),
            'scalar': np.float32(7.5),
            'empty': np.zeros((0, 3), dtype='<i4'),
            'big_i4': np.array([1, -2, 2**30], dtype='>i4'),
            'big_f8': np.array([1.5, -np.inf], dtype='>f8'),
            'big_c16': np.array([1 - 2j], dtype='>c16'),
            'native_f4': np.array([1.25, -8], dtype='=f4'),
            'wide': np.arange(2, dtype='<f4').reshape((1,) * 21 + (2,)),
        }
        for name, a in arrays.items():
            np.save(os.path.join(d, name + '.npy'), a)
        for name, version, a in (('v2', (2, 0), np.array([[1, 2], [3, 4]], dtype='<f4')),
                                 ('v3', (3, 0), np.array([5, -6], dtype='<i8'))):
            with open(os.path.join(d, name + '.npy'), 'wb') as f:
                npf.write_array(f, a, version=version)
        for name in sorted(arrays) + ['v2', 'v3']:
            a = np.load(os.path.join(d, name + '.npy'))
            print(name, a.astype(a.dtype.newbyteorder('<')).tobytes().hex(), sep='\t')
        """;

    [Fact]
    public void FilesNumPyWroteOfEveryDtypeReadWithNumPysBytesAndShape()
    {
        using var temp = new TempFolder();
        var lines = SystemPython.Lines(SystemPython.Run(WriteEveryDtype, temp.Path));
        Assert.Equal(NumPyWritten.Count, lines.Length);
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            var (type, shape) = NumPyWritten[parts[0]];
            var path = temp.File(parts[0] + ".npy");
            var tensor = NpyFile.Read(path);
            Assert.Equal(parts[0], tensor.Name);
            Assert.True((int)type == tensor.DataType, $"{parts[0]}: {ElementTypes.Name(tensor)}");
            Assert.Equal(shape, tensor.Dims);
            // ONNX raw_data is little-endian C order, exactly numpy's '<' tobytes(): so the hex must match.
            Assert.True(parts.Length == 1 ? tensor.RawData.Length == 0 : parts[1] == Convert.ToHexStringLower(tensor.RawData.Span),
                $"{parts[0]}: bytes differ");
        }
    }

    [Fact]
    public void ValuesNumPyWroteDecodeToTheSameNumbers()
    {
        using var temp = new TempFolder();
        SystemPython.Run(WriteEveryDtype, temp.Path);
        Assert.Equal([0f, -1.5f, 3.25f, float.PositiveInfinity, float.NegativeInfinity, 1e-45f],
            TensorData.Read<float>(NpyFile.Read(temp.File("f4.npy"))));
        Assert.Equal([(Half)1, (Half)(-2), Half.MaxValue, (Half)6e-8, Half.PositiveInfinity],
            TensorData.Read<Half>(NpyFile.Read(temp.File("f2.npy"))));
        Assert.Equal([0ul, 1ul, ulong.MaxValue], TensorData.Read<ulong>(NpyFile.Read(temp.File("u8.npy"))));
        Assert.Equal([long.MinValue, 1L, long.MaxValue], TensorData.Read<long>(NpyFile.Read(temp.File("i8.npy"))));
        Assert.Equal([true, false, false, true], TensorData.Read<bool>(NpyFile.Read(temp.File("b1.npy"))));
        Assert.Equal([1, -2, 1 << 30], TensorData.Read<int>(NpyFile.Read(temp.File("big_i4.npy"))));
        Assert.Equal([1.5, double.NegativeInfinity], TensorData.Read<double>(NpyFile.Read(temp.File("big_f8.npy"))));
        Assert.Equal([7.5f], TensorData.Read<float>(NpyFile.Read(temp.File("scalar.npy"))));
        Assert.Equal([1f, 2f, 3f, 4f], TensorData.Read<float>(NpyFile.Read(temp.File("v2.npy"))));
        Assert.Equal([5L, -6L], TensorData.Read<long>(NpyFile.Read(temp.File("v3.npy"))));
    }

    [Fact]
    public void FilesNpyFileWritesLoadInNumPyAndMatchNpSaveByteForByte()
    {
        using var temp = new TempFolder();
        var tensors = new List<TensorProto>
        {
            TensorData.Create<float>("f4", [2, 2], [1f, -2.5f, float.NaN, 3e38f]),
            TensorData.Create<double>("f8", [2], [Math.E, -0.0]),
            TensorData.Create<Half>("f2", [3], [(Half)0.5, Half.MinValue, Half.NegativeInfinity]),
            TensorData.Create<sbyte>("i1", [2], [-128, 127]),
            TensorData.Create<byte>("u1", [2], [0, 255]),
            TensorData.Create<short>("i2", [2], [short.MinValue, 7]),
            TensorData.Create<ushort>("u2", [2], [ushort.MaxValue, 7]),
            TensorData.Create<int>("i4", [1, 1, 3], [int.MinValue, 0, int.MaxValue]),
            TensorData.Create<uint>("u4", [2], [uint.MaxValue, 7], TensorStorage.TypedFields),
            TensorData.Create<long>("i8", [2], [long.MinValue, long.MaxValue], TensorStorage.TypedFields),
            TensorData.Create<ulong>("u8", [2], [ulong.MaxValue, 7]),
            TensorData.Create<bool>("b1", [3], [true, false, true]),
            TensorData.Create<float>("scalar", [], [-4f]),
            TensorData.Create<float>("empty", [3, 0], []),
            TensorData.Create<float>("wide", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], [1f, 2f]),
        };
        foreach (var t in tensors)
            NpyFile.Write(temp.File(t.Name + ".npy"), t);

        var output = SystemPython.Run("""
            import sys, os, io
            import numpy as np
            d = sys.argv[1]
            for name in sys.argv[2:]:
                path = os.path.join(d, name + '.npy')
                a = np.load(path)
                again = io.BytesIO()
                np.save(again, a)
                identical = open(path, 'rb').read() == again.getvalue()
                print(name, a.dtype.str, list(a.shape), identical, a.astype(a.dtype.newbyteorder('<')).tobytes().hex(), sep='\t')
            """, [temp.Path, .. tensors.Select(t => t.Name)]);

        var lines = SystemPython.Lines(output);
        Assert.Equal(tensors.Count, lines.Length);
        foreach (var (tensor, line) in tensors.Zip(lines))
        {
            var parts = line.Split('\t');
            Assert.Equal(tensor.Name, parts[0]);
            Assert.Equal(ExpectedDescr(tensor.Name), parts[1]);
            Assert.Equal("[" + string.Join(", ", tensor.Dims) + "]", parts[2]);
            Assert.True(parts[3] == "True", $"{tensor.Name}: the file differs from what np.save writes");
            Assert.Equal(Convert.ToHexStringLower(TensorData.ReadRawBytes(tensor).Span), parts.Length > 4 ? parts[4] : "");
        }
    }

    private static string ExpectedDescr(string name) => name switch
    {
        "i1" or "u1" or "b1" => "|" + name,
        "scalar" or "empty" or "wide" => "<f4",
        _ => "<" + name,
    };
}
