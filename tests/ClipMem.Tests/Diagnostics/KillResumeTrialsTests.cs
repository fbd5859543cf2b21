using ClipMem.Common;
using ClipMem.Diagnostics;

namespace ClipMem.Tests.Diagnostics;

public class KillResumeTrialsTests
{
    private static void FakeRun(string directory, string scores, double wall, byte weight)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in KillResumeTrials.ComparedFiles) File.WriteAllText(Path.Combine(directory, file), file == "scores.csv" ? scores : file);
        File.WriteAllText(Path.Combine(directory, "summary.json"),
            $$$"""{"preset": "tiny", "clipmem_mean": {"S_C": 0.1}, "wall_seconds": {{{wall}}}, "train_seconds": {{{wall / 2}}}, "phase_seconds": {"data": 1, "training": {{{wall - 1}}}}}""");
        foreach (var model in new[] { "f", "g" })
        {
            string checkpoint = Path.Combine(directory, model, "checkpoints", "step-00000012");
            Directory.CreateDirectory(checkpoint);
            File.WriteAllBytes(Path.Combine(checkpoint, "model.bin"), [1, 2, weight]);
            File.WriteAllText(Path.Combine(checkpoint, "state.json"), "{}");
            Checksums.WriteManifest(checkpoint);
        }
    }

    [Fact]
    public void RunsThatDifferOnlyInTimingsAreIdenticalAndAnyArtefactThatDiffersIsNamed()
    {
        using var dir = new TempDirectory();
        string reference = Path.Combine(dir.Path, "reference"), same = Path.Combine(dir.Path, "same"), other = Path.Combine(dir.Path, "other");
        FakeRun(reference, "a,b\n1,2\n", wall: 20, weight: 3);
        FakeRun(same, "a,b\n1,2\n", wall: 35, weight: 3);
        FakeRun(other, "a,b\n1,3\n", wall: 20, weight: 4);

        Assert.Empty(KillResumeTrials.Compare(reference, same));
        Assert.Equal(["scores.csv differs", "f: final weights differ", "g: final weights differ"], KillResumeTrials.Compare(reference, other));
    }

    [Fact]
    public void ATemporaryLeftInTheTrialIsADifference()
    {
        using var dir = new TempDirectory();
        string reference = Path.Combine(dir.Path, "reference"), trial = Path.Combine(dir.Path, "trial");
        FakeRun(reference, "a\n", wall: 20, weight: 3);
        FakeRun(trial, "a\n", wall: 20, weight: 3);
        File.WriteAllText(AtomicFile.TemporarySibling(Path.Combine(trial, "f", "metrics.jsonl")), "");
        Assert.Equal("temporary left behind: f/metrics.jsonl.", Assert.Single(KillResumeTrials.Compare(reference, trial))[..39]);
    }

    [Fact]
    public void TalliesCountTrialsKillsAndIdenticalOutcomesPerTargetInOrder()
    {
        KillResumeTrial T(string target, bool killed, params string[] differences) => new(0, target, "x", killed, differences);
        var tally = KillResumeTrials.Tally([T("training", true), T("report", false), T("training", true, "scores.csv differs")]);
        Assert.Equal([new KillResumeTally("training", 2, 2, 1), new KillResumeTally("report", 1, 0, 1)], tally);
    }

    [Fact]
    public void AJobKilledInACheckpointWriteInEmbeddingAndInTheReportResumesToTheSameArtefacts()
    {
        using var dir = new TempDirectory();
        var log = new StringWriter();
        var trials = new KillResumeTrials(dir.Path, "tiny", log).Run(1, [KillResumeTrials.CheckpointWrite, "embedding", "report"]);
        Assert.Equal(3, trials.Count);
        Assert.All(trials, t => Assert.True(t.Identical, log.ToString()));
        Assert.All(trials, t => Assert.True(t.Killed, log.ToString()));   // a kill planned inside the job lands
    }
}
