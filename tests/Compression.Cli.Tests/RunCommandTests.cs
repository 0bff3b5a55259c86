using Compression.Evaluation.Tensors;
using Compression.Onnx.DataFiles;
using Compression.Onnx.Protobuf;
using Compression.Testing;
using Google.Protobuf;

namespace Compression.Cli.Tests;

public class RunCommandTests
{
    private static string BackendCase(string name) => Path.Combine(TestAssets.BackendSuiteRoot, "node", name);

    /// <summary>z = x + y over two [2, 3] float inputs with the given names.</summary>
    private static string AddModel(TempFolder temp, string x = "x", string y = "y")
    {
        var model = TinyModels.Model(new GraphProto
        {
            Name = "add",
            Input = { TinyModels.Float(x, 2, 3), TinyModels.Float(y, 2, 3) },
            Output = { TinyModels.Float("z", 2, 3) },
            Node = { TinyModels.Node("Add", [x, y], ["z"]) },
        });
        var path = temp.Combine("add.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static void WriteFloats(string path, float[] values, params int[] shape) =>
        TensorFile.Write(path, TensorConversion.ToProto(Tensor.Create(shape, values), Path.GetFileNameWithoutExtension(path)));

    private static float[] ReadFloats(string path) => TensorConversion.FromProto(NpyFile.Read(path)).ToArray<float>();

    private static readonly float[] X = [1, 2, 3, 4, 5, 6];
    private static readonly float[] Y = [10, 20, 30, 40, 50, 60];
    private static readonly float[] Sum = [11, 22, 33, 44, 55, 66];

    private static void AssertOneLineError(int exit, string stderr, string code)
    {
        Assert.Equal(ExitCodes.BadInput, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(code, lines[0]);
    }

    [Fact]
    public void Runs_an_onnx_test_data_set_folder_by_position_and_ignores_its_expected_outputs()
    {
        using var temp = new TempFolder("run");
        var folder = BackendCase("test_add");
        var (exit, stdout, stderr) = ModelcRunner.Run("run", Path.Combine(folder, "model.onnx"),
            "--inputs", Path.Combine(folder, "test_data_set_0"), "--outputs", temp.Path);

        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        Assert.StartsWith("output_0.npy  sum  float[3, 4, 5]", stdout);
        var expected = TensorConversion.FromProto(TensorFile.Read(Path.Combine(folder, "test_data_set_0", "output_0.pb"))).ToArray<float>();
        Assert.Equal(expected, ReadFloats(temp.Combine("output_0.npy")));
    }

    [Fact]
    public void Inputs_are_found_by_name_with_unsafe_characters_replaced()
    {
        using var temp = new TempFolder("run");
        var model = AddModel(temp, "image:0", "bias/add");
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "image_0.npy"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "bias_add.pb"), Y, 2, 3);

        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("out"));

        Assert.True(exit == 0, stderr);
        Assert.Equal(Sum, ReadFloats(temp.Combine("out", "output_0.npy")));
    }

    [Fact]
    public void Name_and_position_may_be_mixed_and_name_wins_for_its_input()
    {
        using var temp = new TempFolder("run");
        var model = AddModel(temp);
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "input_0.npy"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "y.npy"), Y, 2, 3);

        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("out"));

        Assert.True(exit == 0, stderr);
        Assert.Equal(Sum, ReadFloats(temp.Combine("out", "output_0.npy")));
    }

    [Fact]
    public void A_complete_positional_layout_wins_over_inputs_named_like_positions()
    {
        // Keras names inputs input_1, input_2; ONNX's test data still numbers files from input_0.
        using var temp = new TempFolder("run");
        var model = AddModel(temp, "input_1", "input_2");
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "input_0.npy"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "input_1.npy"), [0, 0, 0, 0, 0, 1], 2, 3);

        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("out"));

        Assert.True(exit == 0, stderr);
        Assert.Equal([1, 2, 3, 4, 5, 7], ReadFloats(temp.Combine("out", "output_0.npy")));
    }

    [Fact]
    public void A_missing_input_exits_2_with_one_line_naming_the_expected_files()
    {
        using var temp = new TempFolder("run");
        var model = AddModel(temp);
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "x.npy"), X, 2, 3);

        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("out"));

        AssertOneLineError(exit, stderr, "MCB1403");
        Assert.Contains("input_1.npy or y.npy", stderr);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void A_file_that_gives_no_input_is_an_error_but_labels_and_expected_outputs_are_not()
    {
        using var temp = new TempFolder("run");
        var model = AddModel(temp);
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "x.npy"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "y.npy"), Y, 2, 3);
        WriteFloats(Path.Combine(inputs, "labels.npy"), [1], 1);
        WriteFloats(Path.Combine(inputs, "output_0.pb"), Sum, 2, 3);
        File.WriteAllText(Path.Combine(inputs, "README.txt"), "not a tensor");
        Assert.Equal(0, ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("out")).ExitCode);

        WriteFloats(Path.Combine(inputs, "input_2.npy"), X, 2, 3);
        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("out"));

        AssertOneLineError(exit, stderr, "MCB1406");
        Assert.Contains("input_2.npy", stderr);
    }

    [Fact]
    public void Two_files_for_one_input_are_ambiguous()
    {
        using var temp = new TempFolder("run");
        var model = AddModel(temp);
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "x.npy"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "x.pb"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "y.npy"), Y, 2, 3);
        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("o"));
        AssertOneLineError(exit, stderr, "MCB1407");
        Assert.Contains("x.npy and x.pb", stderr);

        File.Delete(Path.Combine(inputs, "x.pb"));
        WriteFloats(Path.Combine(inputs, "input_1.npy"), Y, 2, 3);
        (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("o"));
        AssertOneLineError(exit, stderr, "MCB1407");
        Assert.Contains("by name (y.npy) and by position (input_1.npy)", stderr);
    }

    [Fact]
    public void A_shape_or_type_other_than_declared_is_a_mismatch()
    {
        using var temp = new TempFolder("run");
        var model = AddModel(temp);
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "x.npy"), X, 3, 2);
        WriteFloats(Path.Combine(inputs, "y.npy"), Y, 2, 3);
        var (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("o"));
        AssertOneLineError(exit, stderr, "MCB1404");
        Assert.Contains("[2, 3]", stderr);
        Assert.Contains("[3, 2]", stderr);

        TensorFile.Write(Path.Combine(inputs, "x.npy"), TensorConversion.ToProto(Tensor.Create([2, 3], new int[6]), "x"));
        (exit, _, stderr) = ModelcRunner.Run("run", model, "--inputs", inputs, "--outputs", temp.Combine("o"));
        AssertOneLineError(exit, stderr, "MCB1404");
        Assert.Contains("Int32", stderr);
    }

    [Fact]
    public void A_missing_inputs_folder_is_bad_input()
    {
        using var temp = new TempFolder("run");
        var (exit, _, stderr) = ModelcRunner.Run("run", AddModel(temp), "--inputs", temp.Combine("nope"), "--outputs", temp.Combine("o"));
        AssertOneLineError(exit, stderr, "MCB1405");
    }

    [Fact]
    public void An_unsupported_operator_is_reported_before_inputs_are_read()
    {
        using var temp = new TempFolder("run");
        var model = TinyModels.Model(new GraphProto
        {
            Name = "custom",
            Input = { TinyModels.Float("x", 2) },
            Output = { TinyModels.Float("y", 2) },
            Node = { new NodeProto { OpType = "NoSuchOp", Domain = "com.example", Input = { "x" }, Output = { "y" } } },
        });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        var path = temp.Combine("custom.onnx");
        File.WriteAllBytes(path, model.ToByteArray());

        var (exit, _, stderr) = ModelcRunner.Run("run", path, "--inputs", temp.Combine("nope"), "--outputs", temp.Combine("o"));

        AssertOneLineError(exit, stderr, "MCB1402");
        Assert.Contains("NoSuchOp", stderr);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    public void Threads_below_one_are_a_usage_error(string threads)
    {
        using var temp = new TempFolder("run");
        var (exit, _, stderr) = ModelcRunner.Run("run", AddModel(temp), "--inputs", temp.Path, "--outputs", temp.Combine("o"), "--threads", threads);
        AssertOneLineError(exit, stderr, "MCB0001");
    }

    [Fact]
    public void Outputs_and_inputs_options_are_required()
    {
        using var temp = new TempFolder("run");
        var (exit, _, stderr) = ModelcRunner.Run("run", AddModel(temp), "--inputs", temp.Path);
        AssertOneLineError(exit, stderr, "MCB0001");
    }

    [Fact]
    public async Task The_real_modelc_process_runs_a_model_with_two_threads_and_writes_npy_numpy_reads()
    {
        using var temp = new TempFolder("run-process");
        var model = AddModel(temp);
        var inputs = temp.CreateFolder("in");
        WriteFloats(Path.Combine(inputs, "input_0.npy"), X, 2, 3);
        WriteFloats(Path.Combine(inputs, "input_1.npy"), Y, 2, 3);

        var result = await ProcessRunner.RunAsync("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "modelc.dll"), "run", model, "--inputs", inputs, "--outputs", temp.Combine("out"), "--threads", "2"],
            TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.StandardError);
        var numpy = await Python.RunAsync("import sys, numpy as np; a = np.load(sys.argv[1]); print(a.dtype, a.shape, a.ravel().tolist())",
            temp.Combine("out", "output_0.npy"));
        Assert.Equal("float32 (2, 3) [11.0, 22.0, 33.0, 44.0, 55.0, 66.0]", numpy.Trim());
    }
}
