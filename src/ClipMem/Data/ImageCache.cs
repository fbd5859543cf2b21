using System.Collections.Concurrent;

namespace ClipMem.Data;

/// <summary>
/// Decoded images kept in memory, each decoded once on first use (thread-safe). Large images are reduced
/// to a storage size (shorter side = 2x the model resolution) so a cache of a real dataset stays small
/// while crops still have pixels to spare.
/// </summary>
public sealed class ImageCache
{
    private readonly CaptionDataset _dataset;
    private readonly ConcurrentDictionary<SampleId, RgbImage> _images;
    private readonly int _storageSide;

    public ImageCache(CaptionDataset dataset, int modelResolution) : this(dataset, 2 * modelResolution, new ConcurrentDictionary<SampleId, RgbImage>()) { }

    private ImageCache(CaptionDataset dataset, int storageSide, ConcurrentDictionary<SampleId, RgbImage> images)
    {
        _dataset = dataset;
        _storageSide = storageSide;
        _images = images;
    }

    public CaptionDataset Dataset => _dataset;

    /// <summary>
    /// The same images (decoded once, shared) with another dataset's captions: the same samples captioned
    /// differently, such as the captions scoring uses when they are not the ones training used.
    /// </summary>
    public ImageCache WithCaptionsOf(CaptionDataset dataset)
    {
        if (ReferenceEquals(dataset, _dataset)) return this;
        if (dataset.Count != _dataset.Count || dataset.Any(s => !_dataset.Contains(s.Id)))
            throw new ArgumentException($"{dataset.Name} holds other samples than {_dataset.Name}: only the captions may differ.");
        return new ImageCache(dataset, _storageSide, _images);
    }

    public RgbImage Get(SampleId id) => _images.GetOrAdd(id, Decode);

    private RgbImage Decode(SampleId id)
    {
        var image = _dataset[id].Image.Load();
        int shorter = Math.Min(image.Width, image.Height);
        if (shorter <= _storageSide) return image;
        double scale = (double)_storageSide / shorter;
        return image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }
}
