using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipMem.Data;

/// <summary>
/// Caps on what a decoder is allowed to read. Image decoders are an attack surface (a small crafted file
/// can claim gigapixels), so the header is inspected before any pixel buffer is allocated.
/// </summary>
public sealed record ImageLimits(long MaxFileBytes = 32L << 20, long MaxPixels = 40_000_000)
{
    public static ImageLimits Default { get; } = new();

    public void CheckFileSize(string origin, SampleId sample, long bytes)
    {
        if (bytes > MaxFileBytes)
            throw new DataFormatException(origin, sample, $"image file is {bytes:N0} bytes, above the limit of {MaxFileBytes:N0}");
        if (bytes == 0)
            throw new DataFormatException(origin, sample, "image file is empty");
    }

    public void CheckPixels(string origin, SampleId sample, int width, int height)
    {
        if ((long)width * height > MaxPixels)
            throw new DataFormatException(origin, sample, $"image is {width}x{height} pixels, above the limit of {MaxPixels:N0} pixels");
    }
}

/// <summary>Decodes PNG, JPEG, GIF, BMP, TGA, WebP (whatever ImageSharp reads) into planar float RGB.</summary>
public static class ImageDecoder
{
    public static RgbImage Decode(byte[] encoded, string origin, SampleId sample, ImageLimits limits)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(encoded);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Undecodable(origin, sample, e);
        }
        if (info is null) throw new DataFormatException(origin, sample, "image cannot be decoded: unknown or unsupported format");
        limits.CheckPixels(origin, sample, info.Width, info.Height);

        try
        {
            using var image = Image.Load<Rgba32>(encoded);
            return ToRgbOnWhite(image);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Undecodable(origin, sample, e);
        }
    }

    /// <summary>
    /// Every exception a decoder throws on these bytes is a verdict on the bytes. ImageSharp 2.1 also throws
    /// NullReferenceException (JPEG) and ArgumentOutOfRangeException (PNG, GIF) on damaged files, found by the
    /// mutation fuzzer; those are named as what they are, so the file is still the thing to look at.
    /// </summary>
    private static DataFormatException Undecodable(string origin, SampleId sample, Exception e) =>
        e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException or ImageFormatException
            ? new DataFormatException(origin, sample, $"image cannot be decoded: {e.Message}", e)
            : new DataFormatException(origin, sample, $"image cannot be decoded: the decoder failed on damaged data ({e.GetType().Name}: {e.Message})", e);

    /// <summary>Transparent pixels are composited onto white, as a viewer shows them (Tux Paint stamps are cut-outs).</summary>
    public static RgbImage ToRgbOnWhite(Image<Rgba32> image)
    {
        int width = image.Width, height = image.Height, plane = width * height;
        var pixels = new float[3 * plane];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    var p = row[x];
                    float alpha = p.A / 255f, white = 1f - alpha;
                    int i = y * width + x;
                    pixels[i] = p.R / 255f * alpha + white;
                    pixels[plane + i] = p.G / 255f * alpha + white;
                    pixels[2 * plane + i] = p.B / 255f * alpha + white;
                }
            }
        });
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Encodes as PNG (galleries, exports for the PyTorch peer).</summary>
    public static byte[] EncodePng(RgbImage image)
    {
        using var output = new Image<Rgb24>(image.Width, image.Height);
        int plane = image.Width * image.Height;
        output.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < image.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < image.Width; x++)
                {
                    int i = y * image.Width + x;
                    row[x] = new Rgb24(ToByte(image.Pixels[i]), ToByte(image.Pixels[plane + i]), ToByte(image.Pixels[2 * plane + i]));
                }
            }
        });
        using var stream = new MemoryStream();
        output.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
