using ClipMem.Data.Synthetic;

namespace ClipMem.Data;

/// <summary>How to open a dataset by name: where its files are (for real formats) and what to generate (synthetic).</summary>
public sealed record DatasetRequest(
    string Name,
    string? DataPath = null,
    ulong Seed = 0,
    int? Count = null,
    int Resolution = 32,
    TextWriter? Log = null);

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
            r => SyntheticScenes.Generate(new SyntheticScenesOptions(Count: r.Count ?? 4800, Resolution: r.Resolution, Seed: r.Seed)),
            "scenes", "synthetic"),
    ];

    public static IReadOnlyList<(string Name, string Description)> Known => Entries.Select(e => (e.Name, e.Description)).ToList();

    public static CaptionDataset Open(DatasetRequest request)
    {
        var entry = Entries.FirstOrDefault(e => e.Name == request.Name || e.Aliases.Contains(request.Name))
            ?? throw new ArgumentException($"Unknown dataset '{request.Name}'. Known datasets: {string.Join(", ", Entries.Select(e => e.Name))}.");
        var dataset = entry.Open(request);
        if (request.Count is { } count && count < dataset.Count)
            dataset = dataset.Subset(dataset.Take(count).Select(s => s.Id));
        return dataset;
    }
}
