namespace Compression.Testing;

/// <summary>
/// Inputs made from real data for the real models (DESIGN.md, "Test assets"), written as input_0.npy by Debian's
/// numpy, so executor-vs-ONNX-Runtime comparisons run on the kind of values the models were trained for rather than on
/// uniform noise (which drives activations into ranges no real input reaches). Each model's preprocessing follows its
/// upstream project and is written out in the script below. The bytes are deterministic for a given numpy, scikit-image,
/// Pillow and FreeType; tests compare runs on the same files, never against stored numbers.
/// </summary>
public static class RealInputs
{
    private const string Script = """
        import sys
        import numpy as np

        name, folder = sys.argv[1], sys.argv[2]
        FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

        def render(width, height, lines, size):
            # Black DejaVu Sans text on white, each line placed by its left baseline: a printed text line as a
            # camera or scanner sees it after cropping, without the noise that would make the test less repeatable.
            from PIL import Image, ImageDraw, ImageFont
            image = Image.new("RGB", (width, height), "white")
            draw = ImageDraw.Draw(image)
            font = ImageFont.truetype(FONT, size)
            for (x, y), text in lines:
                draw.text((x, y), text, fill="black", font=font, anchor="ls")
            return np.asarray(image, dtype=np.float32)  # H x W x 3, 0..255

        def nchw(hwc):
            return np.ascontiguousarray(hwc.transpose(2, 0, 1)[np.newaxis]).astype(np.float32)

        if name == "paddleocr-cls":
            # PaddleOCR's direction classifier (ppocr ClsResizeImg + NormalizeImage): a text line resized to 48 x 192
            # (here rendered at that size: "Hello 123", 28 px, baseline at y=34), scaled to [0, 1], then
            # (x - 0.5) / 0.5, CHW, batch of 1 -> float32 [1, 3, 48, 192]. Grey text, so BGR vs RGB order is moot.
            image = render(192, 48, [((4, 34), "Hello 123")], 28)
            array = nchw((image / 255.0 - 0.5) / 0.5)
        elif name == "paddleocr-det":
            # PaddleOCR's DB text detector (DetResizeForTest + NormalizeImage): H and W multiples of 32; a 96 x 320
            # block of three text lines, scaled to [0, 1], ImageNet mean/std per channel, CHW, batch of 1
            # -> float32 [1, 3, 96, 320].
            image = render(320, 96, [((8, 26), "Invoice 2024-06"), ((8, 56), "Total: 149.90 EUR"), ((8, 86), "Thank you!")], 22)
            mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)
            std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
            array = nchw((image / 255.0 - mean) / std)
        elif name in ("blazeface-front", "blazeface-back"):
            # MediaPipe BlazeFace: an RGB photo cropped to a square around the face and resized to the model's side
            # (128 front, 256 back), values mapped from [0, 1] to [-1, 1], NHWC -> float32 [1, S, S, 3].
            # skimage.data.astronaut() is 512 x 512; rows 0-320, columns 90-410 hold Eileen Collins's head and shoulders.
            from skimage import data, transform
            side = 128 if name == "blazeface-front" else 256
            crop = data.astronaut()[0:320, 90:410].astype(np.float64) / 255.0
            resized = transform.resize(crop, (side, side), order=1, anti_aliasing=True)
            array = (resized * 2.0 - 1.0).astype(np.float32)[np.newaxis]
        elif name == "hello-deepa":
            # openWakeWord's head takes 25 frames of 96-dim speech embeddings (the output of its embedding model, not
            # audio); no audio front-end is in the assets, so a fixed-seed standard normal stands in at the scale of
            # those embeddings -> float32 [1, 25, 96].
            array = np.random.default_rng(20240611).standard_normal((1, 25, 96)).astype(np.float32)
        else:
            sys.exit(f"no real input is defined for model '{name}'")

        np.save(f"{folder}/input_0.npy", array)
        print(",".join(str(d) for d in array.shape))
        """;

    /// <summary>
    /// Writes input_0.npy for the real model named <paramref name="modelName"/> (see <see cref="TestAssets.RealModels"/>)
    /// into <paramref name="folder"/>; returns the input's shape.
    /// </summary>
    public static async Task<int[]> WriteAsync(string modelName, string folder)
    {
        Directory.CreateDirectory(folder);
        var stdout = await Python.RunAsync(Script, modelName, folder).ConfigureAwait(false);
        return stdout.Trim().Split(',').Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
