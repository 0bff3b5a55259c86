using SkiaSharp;

namespace ModelApp;

/// <summary>
/// A photo as the detector takes it: scaled to fit its square input without distortion (letterboxed, black bars),
/// RGB in NHWC order, each channel mapped from [0, 255] to [-1, 1]. Remembers how to map detections back to the photo.
/// </summary>
internal sealed class ImageInput
{
    private readonly float _scale;
    private readonly float _padX;
    private readonly float _padY;

    private ImageInput(int width, int height, int side, float[] pixels)
    {
        Width = width;
        Height = height;
        Side = side;
        Pixels = pixels;
        _scale = Math.Min((float)side / width, (float)side / height);
        _padX = (side - (width * _scale)) / 2;
        _padY = (side - (height * _scale)) / 2;
    }

    public int Width { get; }
    public int Height { get; }
    public int Side { get; }

    /// <summary>[1, Side, Side, 3] values in row-major order.</summary>
    public float[] Pixels { get; }

    public static ImageInput Load(string path, int side)
    {
        using var photo = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: not an image SkiaSharp decodes");
        var scale = Math.Min((float)side / photo.Width, (float)side / photo.Height);
        var target = SKRect.Create((side - (photo.Width * scale)) / 2, (side - (photo.Height * scale)) / 2,
            photo.Width * scale, photo.Height * scale);

        // An explicit RGBA layout, whatever the platform's native one, so the bytes below are in a known order.
        using var input = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(input))
        using (var image = SKImage.FromBitmap(photo))
        {
            canvas.Clear(SKColors.Black);
            // Mipmaps: a 4x downscale with plain bilinear sampling would alias.
            canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var rgba = input.GetPixelSpan();
        var pixels = new float[side * side * 3];
        for (var i = 0; i < side * side; i++)
        {
            for (var c = 0; c < 3; c++) pixels[(i * 3) + c] = (rgba[(i * 4) + c] / 127.5f) - 1f;
        }
        return new ImageInput(photo.Width, photo.Height, side, pixels);
    }

    /// <summary>A point in the model's normalized [0, 1] input coordinates, in the photo's pixels.</summary>
    public (float X, float Y) ToPhoto(float x, float y) => (((x * Side) - _padX) / _scale, ((y * Side) - _padY) / _scale);
}
