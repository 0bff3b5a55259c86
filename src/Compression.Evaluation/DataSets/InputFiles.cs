using System.Text;
using System.Text.RegularExpressions;
using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Diagnostics;
using Compression.Onnx.Protobuf;
using DataType = Compression.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Compression.Evaluation.DataSets;

/// <summary>
/// Finds and reads a model's inputs in one data-set folder (the layout of `modelc run --inputs` and of ONNX's own
/// test_data_set_N folders). A file gives an input by name, <c>&lt;name&gt;.npy</c> or <c>&lt;name&gt;.pb</c> with every
/// character outside [A-Za-z0-9_.-] of the name replaced by '_', or by position, <c>input_&lt;i&gt;.npy</c> or
/// <c>.pb</c>. When the folder holds <c>input_0</c> … <c>input_&lt;n-1&gt;</c> for all n inputs, positions decide
/// (ONNX's layout, even when inputs are themselves named input_1, input_2, …); otherwise each input takes the file
/// with its name, else the file with its position. Files named <c>output_&lt;i&gt;</c> (expected outputs) and
/// <c>labels</c> belong to the data set, not to the inputs, and are left alone; any other tensor file that gives no
/// input is an error, as is an input with no file or with two.
/// </summary>
public static partial class InputFiles
{
    /// <summary>The file stem that gives <paramref name="inputName"/> by name.</summary>
    public static string FileStem(string inputName)
    {
        var builder = new StringBuilder(inputName.Length);
        foreach (var c in inputName)
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_');
        return builder.ToString();
    }

    /// <summary>The positional file stem of input <paramref name="index"/>.</summary>
    public static string PositionStem(int index) => $"input_{index}";

    /// <summary>
    /// The file that holds each input of <paramref name="inputNames"/>, in the same order; throws a coded
    /// <see cref="CompressionException"/> naming the folder when one is missing, unmatched or ambiguous.
    /// </summary>
    public static IReadOnlyList<string> Match(string folder, IReadOnlyList<string> inputNames)
    {
        if (!Directory.Exists(folder))
            throw new CompressionException(EvaluationErrorCodes.DataSetFolderMissing, "the inputs folder does not exist.", folder);

        // Stem -> file; a stem given by both .npy and .pb is ambiguous.
        var byStem = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder).Where(TensorFile.IsTensorFile).Order(StringComparer.Ordinal))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            if (!byStem.TryAdd(stem, file))
                throw new CompressionException(EvaluationErrorCodes.DataSetFileAmbiguous,
                    $"both {Path.GetFileName(byStem[stem])} and {Path.GetFileName(file)} are in the inputs folder; keep one.", folder);
        }

        var count = inputNames.Count;
        var chosen = new string?[count];
        if (Enumerable.Range(0, count).All(i => byStem.ContainsKey(PositionStem(i))))
        {
            for (var i = 0; i < count; i++) chosen[i] = byStem[PositionStem(i)];
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var named = byStem.GetValueOrDefault(FileStem(inputNames[i]));
                var positional = byStem.GetValueOrDefault(PositionStem(i));
                // A positional file another input claims by name is that input's, not this one's.
                if (positional is not null && inputNames.Any(n => FileStem(n) == PositionStem(i))) positional = null;
                if (named is not null && positional is not null && named != positional)
                    throw new CompressionException(EvaluationErrorCodes.DataSetFileAmbiguous,
                        $"input '{inputNames[i]}' is given twice, by name ({Path.GetFileName(named)}) and by position ({Path.GetFileName(positional)}).", folder);
                chosen[i] = named ?? positional ?? throw new CompressionException(EvaluationErrorCodes.InputMissing,
                    $"no file gives input {i} '{inputNames[i]}': expected {PositionStem(i)}.npy or {FileStem(inputNames[i])}.npy (or .pb).", folder);
            }
        }

        var used = new HashSet<string>(chosen!, StringComparer.Ordinal);
        foreach (var (stem, file) in byStem)
        {
            if (used.Contains(file) || OutputOrLabels().IsMatch(stem)) continue;
            var known = string.Join(", ", inputNames.Select((n, i) => $"{PositionStem(i)} or {FileStem(n)}"));
            throw new CompressionException(EvaluationErrorCodes.DataSetFileUnmatched,
                $"{Path.GetFileName(file)} gives no input of the model (its inputs are {known}).", folder);
        }
        return chosen!;
    }

    /// <summary>
    /// Reads the inputs of a model whose inputs to feed are <paramref name="inputs"/> (graph inputs that are not
    /// initializers), checking each file's element type and shape against the declared ones (a symbolic or unknown
    /// dimension takes any size).
    /// </summary>
    public static Dictionary<string, Tensor> Load(string folder, IReadOnlyList<ValueInfoProto> inputs)
    {
        var files = Match(folder, inputs.Select(i => i.Name).ToList());
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = TensorConversion.FromProto(TensorFile.Read(files[i]));
            CheckDeclared(inputs[i], tensor, files[i]);
            result[inputs[i].Name] = tensor;
        }
        return result;
    }

    private static void CheckDeclared(ValueInfoProto input, Tensor tensor, string file)
    {
        var declared = input.Type?.TensorType;
        if (declared is null) return;
        var type = (DataType)declared.ElemType;
        if (type != DataType.Undefined && type != tensor.ElementType)
            throw new CompressionException(EvaluationErrorCodes.InputMismatch,
                $"input '{input.Name}' is {type}, the file holds {tensor.ElementType}.", file);
        if (declared.Shape is not { } shape) return;
        var dims = shape.Dim;
        var matches = dims.Count == tensor.Rank;
        for (var d = 0; matches && d < dims.Count; d++)
            if (dims[d].HasDimValue && dims[d].DimValue > 0 && dims[d].DimValue != tensor.Shape[d]) matches = false;
        if (!matches)
        {
            var expected = "[" + string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : d.DimParam.Length > 0 ? d.DimParam : "?")) + "]";
            throw new CompressionException(EvaluationErrorCodes.InputMismatch,
                $"input '{input.Name}' has shape {expected}, the file holds {ShapeMath.Format(tensor.Shape)}.", file);
        }
    }

    [GeneratedRegex("^(output_[0-9]+|labels)$")]
    private static partial Regex OutputOrLabels();
}
