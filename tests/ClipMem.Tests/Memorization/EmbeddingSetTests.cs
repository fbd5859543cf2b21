using ClipMem.Data;
using ClipMem.Memorization;

namespace ClipMem.Tests.Memorization;

public class EmbeddingSetTests
{
    private static EmbeddingSet Sample(string provenance = "model=a;k=4;seed=1")
    {
        SampleId[] ids = ["a", "b", "c"];
        return ClipMemScorerTests.RandomModel(ids, [2, 1, 3], 5).ToEmbeddingSet(provenance);
    }

    [Fact]
    public void SaveAndTryLoadRoundTrip()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f.emb");
        var set = Sample();
        set.Save(path);

        var loaded = EmbeddingSet.TryLoad(path, set.Provenance);
        Assert.NotNull(loaded);
        Assert.Equal(set.Ids, loaded.Ids);
        Assert.Equal(set.Dim, loaded.Dim);
        Assert.Equal(set.MeanViewImage, loaded.MeanViewImage);
        Assert.Equal(set.EvalImage, loaded.EvalImage);
        Assert.Equal(set.Captions, loaded.Captions);
        Assert.Equal(set.CaptionOffsets, loaded.CaptionOffsets);
        Assert.Equal(set.Provenance, loaded.Provenance);
        Assert.Equal(2, loaded.IndexOf("c"));
        Assert.Equal(3, loaded.CaptionCount(2));
    }

    [Fact]
    public void TryLoadReturnsNullForAnotherProvenance()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f.emb");
        Sample().Save(path);
        Assert.Null(EmbeddingSet.TryLoad(path, "model=b;k=4;seed=1"));
    }

    [Fact]
    public void AFlippedByteAnywhereIsCaughtByTheChecksumAndNamed()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f.emb");
        var set = Sample();
        set.Save(path);
        var bytes = File.ReadAllBytes(path);
        // Inside a float (garbage a reader would otherwise take as an embedding), in an id, in the checksum itself.
        foreach (int at in new[] { bytes.Length - 40, bytes.Length / 2, 30, bytes.Length - 1 })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            File.WriteAllBytes(path, damaged);
            var log = new StringWriter();
            Assert.Null(EmbeddingSet.TryLoad(path, set.Provenance, log));
            Assert.Contains($"{path}: does not match its checksum", log.ToString());
        }
        File.WriteAllBytes(path, bytes);
        Assert.NotNull(EmbeddingSet.TryLoad(path, set.Provenance));   // the undamaged file still loads
    }

    [Fact]
    public void TryLoadReturnsNullForATruncatedOrMissingFile()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f.emb");
        var set = Sample();
        set.Save(path);
        var bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { bytes.Length - 1, bytes.Length - 4 * set.Dim, bytes.Length / 2, 20, 3 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            Assert.Null(EmbeddingSet.TryLoad(path, set.Provenance));
        }
        Assert.Null(EmbeddingSet.TryLoad(Path.Combine(dir.Path, "absent.emb"), set.Provenance));
    }

    [Fact]
    public void MeanCaptionAveragesTheSamplesCaptions()
    {
        var set = Sample();
        var mean = set.MeanCaption(2);
        for (int d = 0; d < set.Dim; d++)
        {
            double expected = (set.Caption(2, 0)[d] + (double)set.Caption(2, 1)[d] + set.Caption(2, 2)[d]) / 3;
            Assert.Equal(expected, mean[d], 6);
        }
    }

    [Fact]
    public void RejectsArraysOfTheWrongShape()
    {
        SampleId[] ids = ["a", "b"];
        Assert.Throws<ArgumentException>(() => new EmbeddingSet(ids, 2, new float[4], new float[3], new float[4], [0, 1, 2], "p"));
        Assert.Throws<ArgumentException>(() => new EmbeddingSet(ids, 2, new float[4], new float[4], new float[4], [0, 1, 3], "p"));
    }
}
