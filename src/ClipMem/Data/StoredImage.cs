namespace ClipMem.Data;

/// <summary>
/// An image as the cache keeps it: one byte per channel value when every value is an exact multiple of 1/255 (any
/// image decoded from an 8-bit file, which is all real data), else the floats as they are (a rendered scene), so
/// storing loses nothing either way. Bytes are a quarter of the floats: at the study's 224 px, stored at twice that,
/// 80k images are 48 GB as bytes and 193 GB as floats, which is why the cache also has a budget.
/// </summary>
public sealed class StoredImage
{
    private readonly int _width, _height;
    private readonly byte[]? _bytes;
    private readonly float[]? _floats;

    private StoredImage(int width, int height, byte[]? bytes, float[]? floats)
    {
        (_width, _height, _bytes, _floats) = (width, height, bytes, floats);
    }

    /// <summary>Bytes this image holds.</summary>
    public long Size => _bytes?.LongLength ?? 4L * _floats!.LongLength;

    public bool IsBytes => _bytes is not null;

    public static StoredImage From(RgbImage image)
    {
        var pixels = image.Pixels;
        var bytes = new byte[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            float scaled = pixels[i] * 255f;
            float level = MathF.Round(scaled);
            if (level != scaled || level < 0 || level > 255 || pixels[i] != level / 255f)
                return new StoredImage(image.Width, image.Height, null, pixels);
            bytes[i] = (byte)level;
        }
        return new StoredImage(image.Width, image.Height, bytes, null);
    }

    /// <summary>The image as the augmentations take it. A copy for stored bytes; the stored floats themselves otherwise (nothing writes to a cached image).</summary>
    public RgbImage ToRgb()
    {
        if (_floats is not null) return new RgbImage(_width, _height, _floats);
        var pixels = new float[_bytes!.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = _bytes[i] / 255f;
        return new RgbImage(_width, _height, pixels);
    }
}
