namespace ClipMem.Data;

/// <summary>
/// A decoded image as planar float RGB in [0, 1] (channel, row, column): the form augmentations and the
/// tensor conversion work on, independent of where the pixels came from (file, shard, IDX, generator).
/// </summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>Planar pixels: index = (channel * Height + y) * Width + x.</summary>
    public float[] Pixels { get; }

    public RgbImage(int width, int height, float[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}x{height} is not positive.");
        if (pixels.Length != 3 * width * height)
            throw new ArgumentException($"Expected {3 * width * height} values for a {width}x{height} RGB image, got {pixels.Length}.");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public RgbImage(int width, int height) : this(width, height, new float[3 * width * height]) { }

    public float this[int channel, int y, int x]
    {
        get => Pixels[(channel * Height + y) * Width + x];
        set => Pixels[(channel * Height + y) * Width + x] = value;
    }

    /// <summary>
    /// Bilinear resampling of the source rectangle (in source pixel units) onto a width x height grid.
    /// With a rectangle larger than the output it area-averages (box prefilter) so downscaling does not alias.
    /// </summary>
    public RgbImage ResampleRegion(double left, double top, double regionWidth, double regionHeight, int width, int height)
    {
        var output = new RgbImage(width, height);
        double scaleX = regionWidth / width, scaleY = regionHeight / height;
        int taps = Math.Clamp((int)Math.Ceiling(Math.Max(scaleX, scaleY)), 1, 8);
        for (int c = 0; c < 3; c++)
        {
            int plane = c * Height * Width;
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int ty = 0; ty < taps; ty++)
                for (int tx = 0; tx < taps; tx++)
                {
                    double sx = left + (x + (tx + 0.5) / taps) * scaleX - 0.5;
                    double sy = top + (y + (ty + 0.5) / taps) * scaleY - 0.5;
                    sum += SampleBilinear(plane, sx, sy);
                }
                output.Pixels[(c * height + y) * width + x] = sum / (taps * taps);
            }
        }
        return output;
    }

    public RgbImage Resize(int width, int height) => ResampleRegion(0, 0, Width, Height, width, height);

    /// <summary>Centre crop of the largest square, resized: the eval transform's geometry.</summary>
    public RgbImage CenterSquare(int size)
    {
        int side = Math.Min(Width, Height);
        return ResampleRegion((Width - side) / 2.0, (Height - side) / 2.0, side, side, size, size);
    }

    private float SampleBilinear(int plane, double sx, double sy)
    {
        sx = Math.Clamp(sx, 0, Width - 1);
        sy = Math.Clamp(sy, 0, Height - 1);
        int x0 = (int)sx, y0 = (int)sy;
        int x1 = Math.Min(x0 + 1, Width - 1), y1 = Math.Min(y0 + 1, Height - 1);
        float fx = (float)(sx - x0), fy = (float)(sy - y0);
        float top = Pixels[plane + y0 * Width + x0] * (1 - fx) + Pixels[plane + y0 * Width + x1] * fx;
        float bottom = Pixels[plane + y1 * Width + x0] * (1 - fx) + Pixels[plane + y1 * Width + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }
}
