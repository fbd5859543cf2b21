using System.Collections.Concurrent;

namespace ClipMem.Data;

/// <summary>
/// Decoded images kept in memory, each decoded once on first use (thread-safe). Large images are reduced
/// to a storage size (shorter side = 2x the model resolution) so a cache of a real dataset stays small
/// while crops still have pixels to spare.
/// </summary>
public sealed class ImageCache(CaptionDataset dataset, int modelResolution)
{
    private readonly ConcurrentDictionary<SampleId, RgbImage> _images = new();
    private readonly int _storageSide = 2 * modelResolution;

    public CaptionDataset Dataset => dataset;

    public RgbImage Get(SampleId id) => _images.GetOrAdd(id, Decode);

    private RgbImage Decode(SampleId id)
    {
        var image = dataset[id].Image.Load();
        int shorter = Math.Min(image.Width, image.Height);
        if (shorter <= _storageSide) return image;
        double scale = (double)_storageSide / shorter;
        return image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }
}
