using System.Drawing;
using Microsoft.ML.OnnxRuntime;

namespace ModelApp;

/// <summary>A face in the model's normalized input coordinates ([0, 1] on both axes).</summary>
/// <param name="Keypoints">Right eye, left eye, nose tip, mouth, right ear, left ear (the person's right and left).</param>
internal sealed record Face(float Score, RectangleF Box, PointF[] Keypoints);

/// <summary>
/// MediaPipe's BlazeFace front-camera detector in ONNX Runtime: one session, its SSD anchors, and the decoding of its
/// 896 (score, box + 6 keypoints) predictions into faces.
/// </summary>
internal sealed class FaceDetector : IDisposable
{
    /// <summary>MediaPipe's score threshold and suppression overlap for this model.</summary>
    private const float MinScore = 0.75f;
    private const float MinSuppressionIoU = 0.3f;
    private const int Values = 16;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly PointF[] _anchors;

    public FaceDetector(byte[] model, SessionOptions options)
    {
        _session = new InferenceSession(model, options);
        var (name, input) = _session.InputMetadata.Single();
        if (input.Dimensions is not [1, var height, var width, 3] || height != width)
        {
            throw new InvalidDataException($"expected one NHWC [1, S, S, 3] input, the model has {name} [{string.Join(", ", input.Dimensions)}]");
        }
        _inputName = name;
        Side = width;
        _anchors = Anchors(Side);
    }

    public int Side { get; }

    /// <summary>One inference: the scores (logits) and the 16 regressed values of every anchor.</summary>
    public (float[] Scores, float[] Boxes) Infer(float[] pixels)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, Side, Side, 3]);
        using var outputs = _session.Run(_runOptions, [_inputName], [input], _session.OutputNames);
        // The outputs are [1, n, 1] scores and [1, n, 16] boxes, split by anchor grid in some conversions (this one:
        // 512 for the stride-8 grid, then 384 for stride 16); in declaration order they line up with the anchors.
        var scores = new List<float>();
        var boxes = new List<float>();
        foreach (var output in outputs)
        {
            var shape = output.GetTensorTypeAndShape().Shape;
            (shape[^1] == 1 ? scores : boxes).AddRange(output.GetTensorDataAsSpan<float>());
        }
        if (scores.Count != _anchors.Length || boxes.Count != _anchors.Length * Values)
        {
            throw new InvalidDataException($"expected {_anchors.Length} scores and boxes, the model gave {scores.Count} and {boxes.Count / Values}");
        }
        return (scores.ToArray(), boxes.ToArray());
    }

    /// <summary>The faces above MediaPipe's threshold, best first, overlapping predictions merged.</summary>
    public List<Face> Detect(float[] pixels)
    {
        var (scores, boxes) = Infer(pixels);
        var candidates = new List<Face>();
        for (var i = 0; i < _anchors.Length; i++)
        {
            var score = 1 / (1 + MathF.Exp(-Math.Clamp(scores[i], -100, 100)));
            if (score < MinScore) continue;
            // Offsets are in input pixels relative to the anchor's centre; anchors have unit size.
            var v = boxes.AsSpan(i * Values, Values);
            var anchor = _anchors[i];
            float Px(float value) => value / Side;
            var (cx, cy, w, h) = (anchor.X + Px(v[0]), anchor.Y + Px(v[1]), Px(v[2]), Px(v[3]));
            var keypoints = new PointF[6];
            for (var k = 0; k < 6; k++) keypoints[k] = new PointF(anchor.X + Px(v[4 + (2 * k)]), anchor.Y + Px(v[5 + (2 * k)]));
            candidates.Add(new Face(score, new RectangleF(cx - (w / 2), cy - (h / 2), w, h), keypoints));
        }
        return Suppress(candidates);
    }

    /// <summary>
    /// MediaPipe's weighted suppression: the best candidate and every one overlapping it become one face, their boxes and
    /// keypoints averaged by score; neighbouring anchors all fire on a face, and the average is steadier than the best.
    /// </summary>
    private static List<Face> Suppress(List<Face> candidates)
    {
        var faces = new List<Face>();
        var remaining = candidates.OrderByDescending(c => c.Score).ToList();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var cluster = remaining.Where(c => IoU(best.Box, c.Box) > MinSuppressionIoU).ToList();
            remaining.RemoveAll(cluster.Contains);
            var total = cluster.Sum(c => c.Score);
            float Mean(Func<Face, float> value) => cluster.Sum(c => c.Score * value(c)) / total;
            var box = RectangleF.FromLTRB(Mean(c => c.Box.Left), Mean(c => c.Box.Top), Mean(c => c.Box.Right), Mean(c => c.Box.Bottom));
            var keypoints = Enumerable.Range(0, 6).Select(k => new PointF(Mean(c => c.Keypoints[k].X), Mean(c => c.Keypoints[k].Y))).ToArray();
            faces.Add(new Face(best.Score, box, keypoints));
        }
        return faces;
    }

    public static float IoU(RectangleF a, RectangleF b)
    {
        var overlap = RectangleF.Intersect(a, b);
        if (overlap.IsEmpty) return 0;
        var intersection = overlap.Width * overlap.Height;
        return intersection / ((a.Width * a.Height) + (b.Width * b.Height) - intersection);
    }

    /// <summary>
    /// The SSD anchors of MediaPipe's 128 x 128 front model: centred on each grid cell, 2 per cell on the stride-8 grid
    /// (16 x 16) and 6 per cell on the stride-16 grid (8 x 8), 896 in all, in the order of the model's outputs.
    /// </summary>
    private static PointF[] Anchors(int side)
    {
        var anchors = new List<PointF>();
        foreach (var (stride, perCell) in new[] { (8, 2), (16, 6) })
        {
            var cells = side / stride;
            for (var y = 0; y < cells; y++)
            {
                for (var x = 0; x < cells; x++)
                {
                    for (var k = 0; k < perCell; k++) anchors.Add(new PointF((x + 0.5f) / cells, (y + 0.5f) / cells));
                }
            }
        }
        return [.. anchors];
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
