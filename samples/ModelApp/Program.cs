using System.Diagnostics;
using System.Drawing;
using Microsoft.ML.OnnxRuntime;
using ModelApp;

// The accessor knows what the build did with the model.
var model = CompressedModels.FaceDetection.ReadAllBytes();
Console.WriteLine($"model:      face_detection_front_128x128_barracuda.onnx ({CompressedModels.FaceDetection.ResourceName})");
Console.WriteLine($"profile:    {CompressedModels.FaceDetection.Profile}");
Console.WriteLine($"recipe:     {CompressedModels.FaceDetection.Recipe}");
Console.WriteLine($"size:       {CompressedModels.FaceDetection.OriginalSize:N0} -> {CompressedModels.FaceDetection.CompressedSize:N0} bytes " +
                  $"({(double)CompressedModels.FaceDetection.OriginalSize / CompressedModels.FaceDetection.CompressedSize:0.00}x)");
Console.WriteLine($"sha256:     {CompressedModels.FaceDetection.Sha256}");
Console.WriteLine($"embedded:   {model.Length:N0} bytes read back");

var assets = Path.Combine(AppContext.BaseDirectory, "assets");
var photoPath = Path.Combine(assets, "astronaut.png");

// One thread, warm runs, and the two models timed in turn: a machine that speeds up or slows down mid-run (a shared
// core, a CPU leaving idle) moves both medians alike, so their ratio holds.
const int WarmUp = 5, Timed = 25;
// Errors only: the original model carries unused initializers (tf2onnx leftovers, kept faithfully by compression) that
// ONNX Runtime warns about at every session.
using var options = new SessionOptions
{
    IntraOpNumThreads = 1,
    InterOpNumThreads = 1,
    LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
};
Console.WriteLine($"runtime:    ONNX Runtime {OrtEnv.Instance().GetVersionString()}, CPU, 1 thread");

using var compressedModel = Open("compressed", model);
using var originalModel = Open("original", File.ReadAllBytes(Path.Combine(assets, "original.onnx")));
if (compressedModel is null || originalModel is null) return 1;
ImageInput photo;
List<Face> compressed, original;
double compressedMs, originalMs;
try
{
    photo = ImageInput.Load(photoPath, compressedModel.Side);
    compressed = compressedModel.Detect(photo.Pixels);
    original = originalModel.Detect(photo.Pixels);
    (compressedMs, originalMs) = MedianTimes(compressedModel, originalModel, photo.Pixels);
}
catch (OnnxRuntimeException e)
{
    Console.Error.WriteLine($"inference:  ONNX Runtime failed: {e.Message}");
    return 1;
}

Console.WriteLine($"photo:      astronaut.png ({photo.Width} x {photo.Height}, NASA portrait of Eileen Collins via scikit-image), " +
                  $"letterboxed to {photo.Side} x {photo.Side}");
Report("compressed", photo, compressed);
Report("original", photo, original);
if (compressed.Count == 0 || original.Count == 0) return 1;

var (a, b) = (compressed[0], original[0]);
var drift = a.Keypoints.Zip(b.Keypoints, (p, q) => Distance(photo, p, q)).Max();
Console.WriteLine($"agreement:  box IoU {FaceDetector.IoU(a.Box, b.Box):0.000}, score difference {Math.Abs(a.Score - b.Score):0.0000}, " +
                  $"keypoints within {drift:0.0} px");
Console.WriteLine($"speed:      compressed {compressedMs:0.00} ms, original {originalMs:0.00} ms " +
                  $"(median of {Timed} warm runs each, taken in turn)");
return 0;

// A session for one model; ONNX Runtime refusing it (or a model of another shape) is printed, and the app fails.
FaceDetector? Open(string label, byte[] bytes)
{
    try
    {
        return new FaceDetector(bytes, options);
    }
    catch (OnnxRuntimeException e)
    {
        Console.Error.WriteLine($"{label}: ONNX Runtime failed: {e.Message}");
        return null;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine($"{label}: {e.Message}");
        return null;
    }
}

static (double First, double Second) MedianTimes(FaceDetector first, FaceDetector second, float[] pixels)
{
    for (var i = 0; i < WarmUp; i++)
    {
        first.Infer(pixels);
        second.Infer(pixels);
    }
    var times = (First: new double[Timed], Second: new double[Timed]);
    for (var i = 0; i < Timed; i++)
    {
        times.First[i] = Time(first, pixels);
        times.Second[i] = Time(second, pixels);
    }
    Array.Sort(times.First);
    Array.Sort(times.Second);
    return (times.First[Timed / 2], times.Second[Timed / 2]);
}

static double Time(FaceDetector detector, float[] pixels)
{
    var start = Stopwatch.GetTimestamp();
    detector.Infer(pixels);
    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

static void Report(string label, ImageInput photo, List<Face> faces)
{
    var prefix = $"{label}:".PadRight(12);
    if (faces.Count == 0)
    {
        Console.WriteLine($"{prefix}no face found");
        return;
    }
    var face = faces[0];
    string At(PointF p) => Pixel(photo, p);
    Console.WriteLine($"{prefix}face found: score {face.Score:0.000}, box {At(face.Box.Location)}-{At(new PointF(face.Box.Right, face.Box.Bottom))}, " +
                      $"eyes at {At(face.Keypoints[0])} and {At(face.Keypoints[1])}, nose {At(face.Keypoints[2])}, mouth {At(face.Keypoints[3])}" +
                      (faces.Count > 1 ? $" ({faces.Count} faces)" : ""));
}

static string Pixel(ImageInput photo, PointF p)
{
    var (x, y) = photo.ToPhoto(p.X, p.Y);
    return $"({x:0},{y:0})";
}

static float Distance(ImageInput photo, PointF p, PointF q)
{
    var (px, py) = photo.ToPhoto(p.X, p.Y);
    var (qx, qy) = photo.ToPhoto(q.X, q.Y);
    return MathF.Sqrt(((px - qx) * (px - qx)) + ((py - qy) * (py - qy)));
}

