namespace ClipMem.Data.Loaders;

/// <summary>
/// img2dataset's "files" output (and any folder laid out the same way): shard subfolders 00000/, 00001/, ...
/// holding KEY.jpg|jpeg|png|webp, KEY.txt (the caption) and optionally KEY.json (metadata, with "key").
/// </summary>
public static class ImageCaptionFolderLoader
{
    public static CaptionDataset Load(string folder, ImageLimits? limits = null) => LoadWithReport(folder, limits).Dataset;

    public static Img2DatasetLoadResult LoadWithReport(string folder, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, null, "image-caption folder is missing");

        var entries = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
        foreach (string file in LoaderChecks.SortedFiles(folder, SearchOption.AllDirectories))
        {
            string extension = Path.GetExtension(file).TrimStart('.').ToLowerInvariant();
            string stemPath = Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file));
            if (!entries.TryGetValue(stemPath, out var entry)) entries[stemPath] = entry = new Entry();
            if (Img2DatasetFormat.IsImageExtension(extension))
            {
                if (entry.Image is not null)
                    throw new DataFormatException(file, null, $"two images share the key '{Path.GetFileName(stemPath)}': {Path.GetFileName(entry.Image)} and {Path.GetFileName(file)}");
                entry.Image = file;
            }
            else if (extension == "txt") entry.Caption = file;
            else if (extension == "json") entry.Metadata = file;
        }

        var samples = new List<Sample>();
        var fileById = new Dictionary<SampleId, string>();
        int withoutImage = 0;
        foreach (var (stemPath, entry) in entries)
        {
            if (entry.Image is null)
            {
                if (entry.Caption is not null) withoutImage++;
                continue;
            }
            if (entry.Caption is null)
                throw new DataFormatException(entry.Image, null, $"image has no caption file (expected {Path.GetFileName(stemPath)}.txt next to it)");

            string key = entry.Metadata is { } json
                ? Img2DatasetFormat.ReadKey(File.ReadAllBytes(json), json) ?? Path.GetFileName(stemPath)
                : Path.GetFileName(stemPath);
            var id = LoaderChecks.CreateId(key, entry.Metadata ?? entry.Image, "key");
            if (!fileById.TryAdd(id, entry.Image))
                throw new DataFormatException(entry.Image, id, $"duplicate key: {fileById[id]} has the same key");
            string caption = LoaderChecks.RequireCaption(Img2DatasetFormat.DecodeCaption(File.ReadAllBytes(entry.Caption)), entry.Caption, id, "caption file");
            LoaderChecks.RequireImageFile(entry.Image, id, limits, folder);
            samples.Add(new Sample(id, new FileImageSource(entry.Image, id, limits), [caption]));
        }
        return new Img2DatasetLoadResult(new CaptionDataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), folder, samples), withoutImage);
    }

    private sealed class Entry
    {
        public string? Image { get; set; }
        public string? Caption { get; set; }
        public string? Metadata { get; set; }
    }
}
