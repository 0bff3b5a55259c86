using System.Globalization;
using System.Security.Cryptography;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Tensors;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Onnx.Tests.DataFiles;

/// <summary>
/// Every input_*.pb and output_*.pb of ONNX's backend test suite (Debian libonnx-testdata, ONNX 1.12) is read with
/// TensorProtoFile and TensorData and compared with what onnx.numpy_helper makes of the same file: the element count,
/// and for numeric types the little-endian bytes of the values. These files were written by ONNX's own tools, with
/// raw_data and typed fields, so they test the reader against the format as it is used.
/// </summary>
public class OnnxBackendTestDataTests
{
    private const string Root = "/usr/share/libonnx-testdata/data";

    // The backend runner decides what a .pb holds from the model's declared input/output type, not from the bytes
    // (protobuf has no type tag): input_i.pb is graph.input[i]. A few tests feed sequence or optional values; those
    // files are SequenceProto/OptionalProto, not tensors, and might even parse as a (meaningless) TensorProto. The script
    // detects them by the same rule and they are counted separately instead of being read as tensors.
    private const string ListFiles = """
        import glob, os, sys, hashlib
        import onnx
        from onnx import numpy_helper
        root = sys.argv[1]
        for suite in ('node', 'pytorch-converted', 'pytorch-operator', 'simple'):
            for model_dir in sorted(glob.glob(os.path.join(root, suite, '*'))):
                model = onnx.load(os.path.join(model_dir, 'model.onnx'), load_external_data=False)
                for data_dir in sorted(glob.glob(os.path.join(model_dir, 'test_data_set_*'))):
                    for prefix, values in (('input', model.graph.input), ('output', model.graph.output)):
                        for path in sorted(glob.glob(os.path.join(data_dir, prefix + '_*.pb'))):
                            index = int(os.path.basename(path)[len(prefix) + 1:-3])
                            kind = values[index].type.WhichOneof('value')
                            if kind != 'tensor_type':
                                print('skip', kind, path, sep='\t')
                                continue
                            t = onnx.TensorProto()
                            with open(path, 'rb') as f:
                                t.ParseFromString(f.read())
                            a = numpy_helper.to_array(t)
                            # numpy_helper turns bfloat16 into float32 and strings into objects: no raw bytes to compare.
                            digest = '-' if t.data_type in (onnx.TensorProto.BFLOAT16, onnx.TensorProto.STRING) \
                                else hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()
                            print('tensor', a.size, digest, path, sep='\t')
        """;

    [Fact]
    public void EveryTensorFileReadsWithTheCountAndBytesOnnxGives()
    {
        var lines = SystemPython.Lines(SystemPython.Run(ListFiles, Root));
        var checkedFiles = 0;
        var skipped = new Dictionary<string, int>();
        var failures = new List<string>();
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            if (parts[0] == "skip")
            {
                skipped[parts[1]] = skipped.GetValueOrDefault(parts[1]) + 1;
                continue;
            }
            var (count, digest, path) = (long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2], parts[3]);
            var problem = Check(path, count, digest);
            if (problem is not null) failures.Add($"{path}: {problem}");
            checkedFiles++;
        }

        Assert.Empty(failures);
        Assert.True(checkedFiles > 2000, $"only {checkedFiles} tensor files were checked");
        // Sequence and optional inputs exist in the 1.12 suite but are few; a jump would mean the detection is wrong.
        Assert.InRange(skipped.Values.Sum(), 1, checkedFiles / 20);
        Assert.Equal(["optional_type", "sequence_type"], skipped.Keys.Order(StringComparer.Ordinal));
    }

    private static string? Check(string path, long expectedCount, string expectedDigest)
    {
        var tensor = TensorProtoFile.Read(path);
        var count = TensorShape.ElementCount(tensor, path);
        if (count != expectedCount) return $"{count} elements, onnx says {expectedCount}";
        var type = (DataType)tensor.DataType;
        if (type == DataType.String)
            return TensorData.ReadStrings(tensor, path).Length == count ? null : "string count differs";
        if (type is not (DataType.Complex64 or DataType.Complex128) && TensorData.ReadAsFloat(tensor, path).Length != count)
            return "ReadAsFloat count differs";
        if (expectedDigest == "-") return null;
        var bytes = type == DataType.Bool
            ? TensorData.Read<bool>(tensor, path).Select(b => b ? (byte)1 : (byte)0).ToArray()
            : TensorData.ReadRawBytes(tensor, path).ToArray();
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return digest == expectedDigest ? null : $"value bytes differ from onnx's ({ElementTypes.Name(tensor)})";
    }
}
