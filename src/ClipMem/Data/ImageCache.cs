using System.Collections.Concurrent;

namespace ClipMem.Data;

/// <summary>
/// Decoded images kept in memory, each decoded on first use (thread-safe). Large images are reduced to a storage
/// size (shorter side = 2x the model resolution) so crops still have pixels to spare, and kept as bytes where
/// that is exact (<see cref="StoredImage"/>). The cache holds at most <see cref="BudgetBytes"/>: past it, the
/// images stored first are let go and decoded again when next asked for (decoding is deterministic, so an image
/// is the same whenever it is decoded). A dataset larger than the budget costs decoding time, never memory.
/// </summary>
public sealed class ImageCache
{
    public const string BudgetVariable = "CLIPMEM_IMAGE_CACHE_GB";

    /// <summary>
    /// The default budget: CLIPMEM_IMAGE_CACHE_GB when set (a machine with memory to spare holds a study-sized pool:
    /// 80k images at 448 px are 48 GB), else 2 GiB, which holds a tiny or quick pool many times over.
    /// </summary>
    public static long DefaultBudgetBytes => Environment.GetEnvironmentVariable(BudgetVariable) is { Length: > 0 } text
        ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double gb) && gb > 0
            ? (long)(gb * (1L << 30))
            : throw new ArgumentException($"{BudgetVariable}={text}: expected a positive number of GiB, such as 2 or 0.5.")
        : 2L << 30;

    private readonly CaptionDataset _dataset;
    private readonly Store _store;
    private readonly int _storageSide;

    public ImageCache(CaptionDataset dataset, int modelResolution, long? budgetBytes = null)
        : this(dataset, 2 * modelResolution, new Store(budgetBytes ?? DefaultBudgetBytes)) { }

    private ImageCache(CaptionDataset dataset, int storageSide, Store store)
    {
        if (store.Budget <= 0) throw new ArgumentException($"image cache budget {store.Budget} bytes: it must be positive.");
        _dataset = dataset;
        _storageSide = storageSide;
        _store = store;
    }

    public CaptionDataset Dataset => _dataset;

    public long BudgetBytes => _store.Budget;

    /// <summary>Bytes held now (at most the budget, plus the image being added).</summary>
    public long HeldBytes => Interlocked.Read(ref _store.Held);

    /// <summary>
    /// The same images (decoded once, shared) with another dataset's captions: the same samples captioned
    /// differently, such as the captions scoring uses when they are not the ones training used.
    /// </summary>
    public ImageCache WithCaptionsOf(CaptionDataset dataset)
    {
        if (ReferenceEquals(dataset, _dataset)) return this;
        if (dataset.Count != _dataset.Count || dataset.Any(s => !_dataset.Contains(s.Id)))
            throw new ArgumentException($"{dataset.Name} holds other samples than {_dataset.Name}: only the captions may differ.");
        return new ImageCache(dataset, _storageSide, _store);
    }

    public RgbImage Get(SampleId id) => Get(new Key(id, Original));

    /// <summary>How many images training draws from for this sample: its <see cref="Sample.TrainingImages"/>, or 1 (the image itself).</summary>
    public int TrainingImageCount(SampleId id) => _dataset[id].TrainingImages?.Count ?? 1;

    /// <summary>Training image <paramref name="index"/> of a sample (<see cref="Sample.TrainingImages"/>); the image itself when it has none.</summary>
    public RgbImage GetTrainingImage(SampleId id, int index)
    {
        var training = _dataset[id].TrainingImages;
        int count = training?.Count ?? 1;
        if (index < 0 || index >= count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{id} has {count} training image(s)");
        return Get(new Key(id, training is null ? Original : index));
    }

    private const int Original = -1;

    private RgbImage Get(Key key)
    {
        if (_store.Images.TryGetValue(key, out var stored)) return stored.ToRgb();
        var decoded = Decode(key);
        _store.Add(key, StoredImage.From(decoded));
        return decoded;
    }

    private RgbImage Decode(Key key)
    {
        var sample = _dataset[key.Id];
        var image = (key.Variant == Original ? sample.Image : sample.TrainingImages![key.Variant]).Load();
        int shorter = Math.Min(image.Width, image.Height);
        if (shorter <= _storageSide) return image;
        double scale = (double)_storageSide / shorter;
        return image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }

    /// <summary>A sample's image (variant -1) or one of its training images.</summary>
    private readonly record struct Key(SampleId Id, int Variant);

    /// <summary>The images and their byte count, shared by the caches of one dataset's captionings; first stored, first let go.</summary>
    private sealed class Store(long budget)
    {
        public readonly ConcurrentDictionary<Key, StoredImage> Images = new();
        public readonly long Budget = budget;
        public long Held;
        private readonly ConcurrentQueue<Key> _order = new();

        public void Add(Key id, StoredImage image)
        {
            if (!Images.TryAdd(id, image)) return;   // another thread decoded it too
            _order.Enqueue(id);
            long held = Interlocked.Add(ref Held, image.Size);
            while (held > Budget && _order.TryDequeue(out var oldest))
                if (Images.TryRemove(oldest, out var evicted)) held = Interlocked.Add(ref Held, -evicted.Size);
        }
    }
}
