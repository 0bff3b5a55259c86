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

// One thread and warm runs: the times compare the two models, not the cores free on a shared machine at that moment.
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

var compressed = Run("compressed", model);
var original = Run("original", File.ReadAllBytes(Path.Combine(assets, "original.onnx")));
if (compressed is null || original is null) return 1;

Console.WriteLine($"photo:      astronaut.png ({compressed.Photo.Width} x {compressed.Photo.Height}, NASA portrait of Eileen Collins via scikit-image), " +
                  $"letterboxed to {compressed.Photo.Side} x {compressed.Photo.Side}");
Report("compressed", compressed);
Report("original", original);
if (compressed.Faces.Count == 0 || original.Faces.Count == 0) return 1;

var (a, b) = (compressed.Faces[0], original.Faces[0]);
var drift = a.Keypoints.Zip(b.Keypoints, (p, q) => Distance(compressed.Photo, p, q)).Max();
Console.WriteLine($"agreement:  box IoU {FaceDetector.IoU(a.Box, b.Box):0.000}, score difference {Math.Abs(a.Score - b.Score):0.0000}, " +
                  $"keypoints within {drift:0.0} px");
Console.WriteLine($"speed:      compressed {compressed.MedianMs:0.00} ms, original {original.MedianMs:0.00} ms " +
                  $"(median of {Timed} warm runs each)");
return 0;

// Detects faces with one model and times its inference; an ONNX Runtime failure is printed, and the app fails.
Detection? Run(string label, byte[] bytes)
{
    try
    {
        using var detector = new FaceDetector(bytes, options);
        var photo = ImageInput.Load(photoPath, detector.Side);
        var faces = detector.Detect(photo.Pixels);
        for (var i = 0; i < WarmUp; i++) detector.Infer(photo.Pixels);
        var times = new double[Timed];
        for (var i = 0; i < Timed; i++)
        {
            var start = Stopwatch.GetTimestamp();
            detector.Infer(photo.Pixels);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return new Detection(photo, faces, times[Timed / 2]);
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

static void Report(string label, Detection detection)
{
    var prefix = $"{label}:".PadRight(12);
    if (detection.Faces.Count == 0)
    {
        Console.WriteLine($"{prefix}no face found");
        return;
    }
    var face = detection.Faces[0];
    string At(PointF p) => Pixel(detection.Photo, p);
    Console.WriteLine($"{prefix}face found: score {face.Score:0.000}, box {At(face.Box.Location)}-{At(new PointF(face.Box.Right, face.Box.Bottom))}, " +
                      $"eyes at {At(face.Keypoints[0])} and {At(face.Keypoints[1])}, nose {At(face.Keypoints[2])}, mouth {At(face.Keypoints[3])}" +
                      (detection.Faces.Count > 1 ? $" ({detection.Faces.Count} faces)" : ""));
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

internal sealed record Detection(ImageInput Photo, List<Face> Faces, double MedianMs);
