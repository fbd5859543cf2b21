namespace ClipMem.Data.Loaders;

/// <summary>Which part of a real dataset to open.</summary>
/// <param name="Split">MNIST and Fashion-MNIST: the 60,000 training or 10,000 test images (ignored for Tux Paint).</param>
/// <param name="MaxCount">Keep only the first samples (in the dataset's own order), for quick runs.</param>
/// <param name="CacheRoot">Default: <see cref="DataCache.Root"/>.</param>
/// <param name="Limits">Image decoding limits for file-based datasets.</param>
public sealed record RealDatasetOptions(IdxSplit Split = IdxSplit.Train, int? MaxCount = null, string? CacheRoot = null, ImageLimits? Limits = null);

/// <summary>The real datasets by name: fetched into the cache when missing, then loaded.</summary>
public static class RealDatasets
{
    public static IReadOnlyList<string> Names => RealDatasetFetcher.KnownNames;

    public static CaptionDataset Open(string name, TextWriter log, RealDatasetOptions? options = null)
    {
        options ??= new RealDatasetOptions();
        if (options.MaxCount is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxCount must be positive.");
        string folder = new RealDatasetFetcher(options.CacheRoot).Fetch(name, log);
        switch (name)
        {
            case RealDatasetFetcher.FashionMnist:
                return IdxDatasetLoader.LoadFolder(folder, IdxDatasetSpec.FashionMnist, options.Split, options.MaxCount);
            case RealDatasetFetcher.Mnist:
                return IdxDatasetLoader.LoadFolder(folder, IdxDatasetSpec.Mnist, options.Split, options.MaxCount);
            case RealDatasetFetcher.TuxPaint:
                var result = TuxPaintStampsLoader.Load(folder, options.Limits);
                log.WriteLine($"{name}: {result.Dataset.Count} stamps; skipped {result.SkippedSvgCount} SVG-only, " +
                              $"{result.SkippedWithoutCaptionCount} without caption, {result.SkippedMirrorCount} mirror/flip variants");
                var dataset = result.Dataset;
                return options.MaxCount is { } max && max < dataset.Count ? dataset.Subset(dataset.Take(max).Select(s => s.Id)) : dataset;
            default:
                throw new ArgumentException($"Unknown real dataset '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));
        }
    }
}
