using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Compression.Testing;

/// <summary>
/// Calibration and validation data sets for the real models, made from real data (rendered text, photos) by Debian's
/// python3 with numpy, Pillow, FreeType fonts and scikit-image, in the data-set layout of DESIGN.md: one folder per
/// sample (<c>sample_000</c>, …) holding <c>input_0.npy</c>, and at the top, when the set is labelled, <c>labels.npy</c>
/// (int64, one class index per sample in ordinal sample order) or, for text, <c>labels.txt</c> (UTF-8, one line per
/// sample in the same order; <see cref="TextRecognition"/> reads it). Preprocessing per model is RealInputs' (the upstream
/// projects'), written out in the script. Everything is derived from the sample index: the same bytes on every run.
/// <para>
/// Rendering dozens of samples takes seconds, so sets are cached under the temp folder
/// (compression-tests/datasets/NAME-COUNT-KEY), KEY hashing the script and the arguments: a changed script makes a new
/// folder, an unchanged one is reused. A set is written to a private folder and renamed into place, so a reader never
/// sees half a set and two test processes racing both end with the same complete folder.
/// </para>
/// </summary>
public static class RealDataSets
{
    /// <summary>The direction classifier's classes in PaddleOCR's label_list order: index 0 is "0", index 1 is "180".</summary>
    public static IReadOnlyList<string> DirectionClasses { get; } = ["0", "180"];

    private const string Script = """
        import sys
        import numpy as np
        from PIL import Image, ImageDraw, ImageFont

        name, folder, count, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        FONTS = [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
            "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
            "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
        ]
        WORDS = ("invoice total amount paid date order number customer address street city phone email "
                 "account balance due tax price quantity item shipping delivery receipt store cash card change "
                 "thank you welcome monday friday january october station platform train ticket gate seat "
                 "Hello World Pharmacy Bakery Coffee Market Museum Library Hospital Airport Hotel Office").split()

        def phrase(i, words):
            # A deterministic phrase per index: a multiplicative walk over the word list, plus a number now and then.
            picked = [WORDS[(i * 7 + k * 13 + (i // 5) * 3) % len(WORDS)] for k in range(words)]
            if i % 3 == 0:
                picked.append(str(10 + (i * 37) % 990))
            return " ".join(picked)

        def font(path, size):
            return ImageFont.truetype(path, size)

        def nchw(hwc):
            return np.ascontiguousarray(hwc.transpose(2, 0, 1)[np.newaxis]).astype(np.float32)

        def save(index, array):
            import os
            sample = os.path.join(folder, f"sample_{index - first:03d}")
            os.makedirs(sample)
            np.save(os.path.join(sample, "input_0.npy"), array)

        if name == "paddleocr-cls":
            # PaddleOCR's direction classifier (ClsResizeImg + NormalizeImage, as RealInputs): a cropped text line is
            # scaled to height 48 and width min(192, ceil(48 * w / h)) (bilinear; longer lines are squeezed), mapped to
            # [-1, 1] by (x / 255 - 0.5) / 0.5, and zero-padded on the right to 192 (zero is mid-grey after
            # normalisation), CHW, batch 1 -> [1, 3, 48, 192]. Lines are rendered as the detector would crop them:
            # black on white, 48 px high with the text filling most of it (one of eight fonts, 26-36 px), 4 px margins.
            # Odd samples are rotated by 180 degrees (label 1, "180"), even ones are upright (label 0, "0").
            labels = []
            for i in range(first, first + count):
                f = font(FONTS[i % len(FONTS)], 26 + (i * 5) % 11)
                text = phrase(i, 1 + i % 3)
                width = int(np.ceil(f.getlength(text))) + 8
                image = Image.new("RGB", (width, 48), "white")
                ImageDraw.Draw(image).text((4, 24), text, fill="black", font=f, anchor="lm")
                rotated = i % 2 == 1
                if rotated:  # the crop itself is upside down; the classifier's resizing comes after
                    image = image.transpose(Image.Transpose.ROTATE_180)
                if width > 192:
                    image = image.resize((192, 48), Image.Resampling.BILINEAR)
                    width = 192
                normalised = (np.asarray(image, dtype=np.float32) / 255.0 - 0.5) / 0.5
                padded = np.zeros((48, 192, 3), dtype=np.float32)
                padded[:, :width] = normalised
                save(i, nchw(padded))
                labels.append(1 if rotated else 0)
            np.save(f"{folder}/labels.npy", np.array(labels, dtype=np.int64))
        elif name == "paddleocr-rec":
            # PaddleOCR's PP-OCRv4 recognizer (RecResizeImg with rec_image_shape 3, 48, 320 + its normalisation): a
            # text line is scaled to height 48 and width min(320, ceil(48 * w / h)) (bilinear; longer lines are
            # squeezed), mapped to [-1, 1] by (x / 255 - 0.5) / 0.5 and zero-padded on the right to 320, CHW, batch 1
            # -> [1, 3, 48, 320]. Lines are rendered as the classifier's are (black on white, 48 px high, one of eight
            # fonts, 4 px margins) at 24-34 px, one to three words of phrase(), a number on every third. Text labels go
            # to labels.txt, one line a sample; a character the model cannot emit (neither a dictionary line nor the
            # space class PaddleOCR appends) would make an unreachable label, so it stops the script.
            alphabet = set(open(sys.argv[5] + "/ppocr_keys_v1.txt", encoding="utf-8").read().split("\n")) | {" "}
            labels = []
            for i in range(first, first + count):
                f = font(FONTS[(i * 3) % len(FONTS)], 24 + (i * 7) % 11)
                text = phrase(i * 2 + 1, 1 + i % 3)
                unknown = sorted(set(text) - alphabet)
                if unknown:
                    sys.exit(f"sample {i}: {unknown} are not in the recognizer's dictionary")
                width = int(np.ceil(f.getlength(text))) + 8
                image = Image.new("RGB", (width, 48), "white")
                ImageDraw.Draw(image).text((4, 24), text, fill="black", font=f, anchor="lm")
                target = min(320, width)  # rendered 48 high already, so ceil(48 * w / h) is w
                if target != width:
                    image = image.resize((target, 48), Image.Resampling.BILINEAR)
                normalised = (np.asarray(image, dtype=np.float32) / 255.0 - 0.5) / 0.5
                padded = np.zeros((48, 320, 3), dtype=np.float32)
                padded[:, :target] = normalised
                save(i, nchw(padded))
                labels.append(text)
            with open(f"{folder}/labels.txt", "w", encoding="utf-8", newline="\n") as out:
                out.write("".join(label + "\n" for label in labels))
        elif name == "paddleocr-det":
            # PaddleOCR's DB detector (DetResizeForTest + NormalizeImage, as RealInputs): a 96 x 320 block of two or three
            # text lines at varying positions, fonts and sizes, scaled to [0, 1], ImageNet mean/std, CHW -> [1, 3, 96, 320].
            mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)
            std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
            for i in range(first, first + count):
                image = Image.new("RGB", (320, 96), "white")
                draw = ImageDraw.Draw(image)
                lines = 2 + i % 2
                size = 18 + (i * 3) % 7
                for k in range(lines):
                    f = font(FONTS[(i + k) % len(FONTS)], size)
                    x = 6 + (i * 11 + k * 23) % 40
                    y = 8 + k * (84 // lines) + size // 2
                    draw.text((x, y), phrase(i * 3 + k, 2 + (i + k) % 2), fill="black", font=f, anchor="lm")
                array = nchw((np.asarray(image, dtype=np.float32) / 255.0 - mean) / std)
                save(i, array)
        elif name in ("blazeface-front", "blazeface-back"):
            # MediaPipe BlazeFace (as RealInputs): an RGB photo cropped to a square and resized to the model's side
            # (128 front, 256 back), [0, 1] mapped to [-1, 1], NHWC -> [1, S, S, 3]. Photos from scikit-image's data
            # folder: the astronaut's head and shoulders (RealInputs' crop), then other photos centre-cropped (a man
            # with a camera, a cat, a cup, a rocket, coins, the moon, a retina, a galaxy field, tissue), then faces from
            # its LFW subset (25 x 25 greyscale, upscaled); grey images are repeated over the three channels.
            from skimage import data, transform
            side = 128 if name == "blazeface-front" else 256

            def square(image):
                h, w = image.shape[:2]
                s = min(h, w)
                top, left = (h - s) // 2, (w - s) // 2
                return image[top:top + s, left:left + s]

            def rgb(image):
                image = np.asarray(image)
                if image.dtype == np.bool_:
                    image = image.astype(np.uint8) * 255
                if image.ndim == 2:
                    image = np.stack([image] * 3, axis=-1)
                return image[..., :3].astype(np.float64) / 255.0

            photos = [data.astronaut()[0:320, 90:410], square(data.camera()), square(data.chelsea()), square(data.coffee()),
                      square(data.rocket()), square(data.coins()), square(data.moon()), square(data.retina()),
                      square(data.hubble_deep_field()), square(data.immunohistochemistry())]
            faces = data.lfw_subset()[:100]
            k = 0
            while len(photos) < first + count:
                photos.append((faces[k * 7 % 100] * 255.0).astype(np.uint8))
                k += 1
            for i in range(first, first + count):
                image = rgb(photos[i])
                resized = transform.resize(image, (side, side), order=1, anti_aliasing=True)
                save(i, (resized * 2.0 - 1.0).astype(np.float32)[np.newaxis])
        elif name == "resnet18":
            # ML.NET's ResNet18 featurizer (DnnImageFeaturizer): RGB pixels 0-255 as float NCHW [1, 3, 224, 224], then its
            # ResNetPreprocess.onnx, which swaps to BGR (Split, Concat B, G, R) and subtracts a 224 x 224 mean image (its
            # one initializer, read from the model). Colour photos from scikit-image's data folder, each in four views so
            # neighbours exist: sample i is photo i % 8 centre-cropped to a square (view 0), mirrored (1), the
            # top-left 80% of that square (2) and its bottom-right 80% (3), resized to 224 x 224 (bilinear).
            import onnx
            from onnx import numpy_helper
            from skimage import io, transform
            prep = onnx.load(sys.argv[5] + "/ResNetPreprocess.onnx")
            mean_image = numpy_helper.to_array(prep.graph.initializer[0]).astype(np.float32)
            root = "/usr/lib/python3/dist-packages/skimage/data/"
            files = ["astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "ihc.png",
                     "motorcycle_left.png", "retina.jpg", "rocket.jpg"]
            for i in range(first, first + count):
                image = io.imread(root + files[i % len(files)])[..., :3].astype(np.float64)
                h, w = image.shape[:2]
                s = min(h, w)
                image = image[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s]
                view = (i // len(files)) % 4
                c = int(s * 0.8)
                if view == 1:
                    image = image[:, ::-1]
                elif view == 2:
                    image = image[:c, :c]
                elif view == 3:
                    image = image[s - c:, s - c:]
                resized = transform.resize(image, (224, 224), order=1, anti_aliasing=True, preserve_range=True)
                rgb = resized.transpose(2, 0, 1)[np.newaxis].astype(np.float32)
                save(i, np.ascontiguousarray(rgb[:, ::-1] - mean_image).astype(np.float32))
        else:
            sys.exit(f"no data set is defined for model '{name}'")
        print(count)
        """;

    /// <summary>
    /// The data set of <paramref name="count"/> samples for the real model named <paramref name="modelName"/>
    /// (paddleocr-cls, paddleocr-det, paddleocr-rec, blazeface-front, blazeface-back, resnet18), rendered once and then read from the cache.
    /// Samples are numbered in one sequence per model; the set holds numbers <paramref name="first"/> to first + count − 1
    /// (written as sample_000 …), so a calibration set and a validation set with disjoint ranges share no sample.
    /// </summary>
    public static async Task<string> GetAsync(string modelName, int count, int first = 0)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{Script}\n{modelName}\n{count}\n{first}")))[..16].ToLowerInvariant();
        var root = Path.Combine(Path.GetTempPath(), "compression-tests", "datasets");
        var folder = Path.Combine(root, $"{modelName}-{first.ToString(CultureInfo.InvariantCulture)}-{count.ToString(CultureInfo.InvariantCulture)}-{key}");
        if (Directory.Exists(folder)) return folder;

        var staging = Path.Combine(root, $"staging-{Guid.NewGuid():N}");
        try
        {
            await WriteAsync(modelName, staging, count, first).ConfigureAwait(false);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another test process finished the same set first; its folder holds the same bytes.
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return folder;
    }

    /// <summary>Renders the data set into <paramref name="folder"/> (created; must not hold samples already), uncached.</summary>
    public static async Task WriteAsync(string modelName, string folder, int count, int first = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        Directory.CreateDirectory(folder);
        await Python.RunAsync(Script, modelName, folder, count.ToString(CultureInfo.InvariantCulture), first.ToString(CultureInfo.InvariantCulture), TestAssets.ModelsFolder).ConfigureAwait(false);
    }
}
