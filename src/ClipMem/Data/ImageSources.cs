namespace ClipMem.Data;

/// <summary>Where a sample's pixels come from; decoding happens on <see cref="Load"/>, not when a dataset opens.</summary>
public interface IImageSource
{
    /// <summary>A human-readable origin (a file path, "shard.tar:member", "generated") for error messages and galleries.</summary>
    string Origin { get; }

    RgbImage Load();
}

/// <summary>An image file on disk, decoded with the dataset's limits.</summary>
public sealed class FileImageSource(string path, SampleId sample, ImageLimits limits) : IImageSource
{
    public string Origin => path;

    public RgbImage Load()
    {
        if (!File.Exists(path)) throw new DataFormatException(path, sample, "image file is missing");
        long length = new FileInfo(path).Length;
        limits.CheckFileSize(path, sample, length);
        return ImageDecoder.Decode(File.ReadAllBytes(path), path, sample, limits);
    }
}

/// <summary>Encoded image bytes held in memory (a member of a tar shard, for instance).</summary>
public sealed class EncodedImageSource(byte[] encoded, string origin, SampleId sample, ImageLimits limits) : IImageSource
{
    public string Origin => origin;

    public RgbImage Load()
    {
        limits.CheckFileSize(origin, sample, encoded.Length);
        return ImageDecoder.Decode(encoded, origin, sample, limits);
    }
}

/// <summary>Pixels produced by code (IDX rows, the synthetic scene renderer).</summary>
public sealed class GeneratedImageSource(string origin, Func<RgbImage> render) : IImageSource
{
    public string Origin => origin;

    public RgbImage Load() => render();
}
