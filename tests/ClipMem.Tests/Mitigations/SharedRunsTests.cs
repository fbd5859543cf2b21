using ClipMem.Experiments.Mitigations;
using ClipMem.Tests.Loaders;

namespace ClipMem.Tests.Mitigations;

/// <summary>Finished runs one mitigation study takes from its siblings instead of training the same config again.</summary>
public class SharedRunsTests
{
    private static void FakeRun(TempDirectory dir, string relative, string hash, bool complete = true)
    {
        dir.Write($"{relative}/config.json", $"{{\"config_hash\": \"{hash}\", \"config\": {{}}}}");
        if (!complete) return;
        dir.Write($"{relative}/summary.json", "{}");
        dir.Write($"{relative}/scores.csv", "sample_id\n");
    }

    [Fact]
    public void AStudySearchesItselfFirstThenOnlyItsSiblingStudies()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "mitigation-captions-quick", "mitigation-noise-quick", "regime-quick", "mitigation-text-vs-image-quick" })
            Directory.CreateDirectory(Path.Combine(dir.Path, name));
        var roots = SharedRuns.SearchRootsFor(Path.Combine(dir.Path, "mitigation-text-vs-image-quick"));
        Assert.Equal(["mitigation-text-vs-image-quick", "mitigation-captions-quick", "mitigation-noise-quick"], roots.Select(Path.GetFileName));
    }

    [Fact]
    public void OnlyACompleteRunOfTheSameHashIsFound()
    {
        using var dir = new TempDirectory();
        FakeRun(dir, "a/seed-0/captions-1", "aaaa");
        FakeRun(dir, "a/seed-0/captions-3", "bbbb", complete: false);
        FakeRun(dir, "b/seed-1/text-vs-image-4", "bbbb");
        dir.Write("b/seed-1/broken/config.json", "{ not json");
        dir.Write("b/seed-1/broken/summary.json", "{}");
        dir.Write("b/seed-1/broken/scores.csv", "");
        string a = Path.Combine(dir.Path, "a"), b = Path.Combine(dir.Path, "b");
        Assert.Equal(Path.Combine(a, "seed-0", "captions-1"), SharedRuns.FindComplete("aaaa", [a, b]));
        Assert.Equal(Path.Combine(b, "seed-1", "text-vs-image-4"), SharedRuns.FindComplete("bbbb", [a, b]));   // the unfinished one is passed over
        Assert.Null(SharedRuns.FindComplete("cccc", [a, b, Path.Combine(dir.Path, "missing")]));
    }
}
