using ClipMem.Experiments;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>Reopening finished runs without retraining, and the errors for directories that are not (yet) runs.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class ClipMemRunsTests(TinyRuns runs)
{
    [Fact]
    public void OpeningAFinishedRunGivesBackWhatTheRunReturned()
    {
        var original = runs.Baseline;
        var opened = ClipMemRuns.Open(original.RunDirectory);

        Assert.Equal(original.Config, opened.Config);
        Assert.Equal(original.Rows, opened.Rows);
        Assert.Equal(original.Summary.ClipmemMean, opened.Summary.ClipmemMean);
        Assert.Equal(original.Summary.MiscaptionAuroc, opened.Summary.MiscaptionAuroc);
        Assert.Equal(original.Data.Injection.Count, opened.Data.Injection.Count);
        // The rebuilt data shows the captions f trained on (the injected ones for mis-captioned samples).
        var mis = opened.Rows.First(r => r.Miscaptioned);
        Assert.Equal(mis.Captions, string.Join(" | ", opened.Data.Effective[new ClipMem.Data.SampleId(mis.SampleId)].Captions));
        Assert.True(ClipMemRuns.IsComplete(original.RunDirectory));
    }

    [Fact]
    public void OpenOrRunOpensACompleteRunWithoutTrainingAgain()
    {
        var original = runs.Baseline;
        string checkpoints = Path.Combine(original.RunDirectory, "f", "checkpoints");
        var before = Directory.GetDirectories(checkpoints).Order().ToList();
        var log = new StringWriter();
        var result = ClipMemRuns.OpenOrRun(TinyRuns.BaselineConfig, new RuntimeOptions(Threads: 2), original.RunDirectory, log);
        Assert.Equal(original.Rows, result.Rows);
        Assert.Equal(before, Directory.GetDirectories(checkpoints).Order().ToList());
        Assert.DoesNotContain("trained f and g", log.ToString());
    }

    [Fact]
    public void DirectoriesThatAreNotFinishedRunsAreRefusedWithWhatToDo()
    {
        using var dir = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => ClipMemRuns.Open(Path.Combine(dir.Path, "nowhere")));
        var notRun = Assert.Throws<InvalidOperationException>(() => ClipMemRuns.Open(dir.Path));
        Assert.Contains("no config.json", notRun.Message);

        RunDirectory.Open(dir.Path, TinyRuns.BaselineConfig, new RuntimeOptions());
        var unfinished = Assert.Throws<InvalidOperationException>(() => ClipMemRuns.Open(dir.Path));
        Assert.Contains("has not finished", unfinished.Message);
        Assert.Contains("clipmem reproduce --out", unfinished.Message);
        Assert.False(ClipMemRuns.IsComplete(dir.Path));

        string config = Path.Combine(dir.Path, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"seed\": 0", "\"seed\": 5"));
        var edited = Assert.Throws<InvalidOperationException>(() => ClipMemRuns.ReadConfig(config));
        Assert.Contains("edited", edited.Message);
    }
}
