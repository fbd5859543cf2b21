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
    public void PhaseWindowsFollowTheReferencePhasesAfterItsStartUp()
    {
        using var dir = new TempDirectory();
        FakeRun(dir.Path, "", wall: 20, weight: 0);   // phases: data 1 s, training 19 s, no start-up left over
        var windows = KillResumeTrials.PhaseWindows(dir.Path, wallSeconds: 22);
        Assert.Equal((2.0, 3.0), windows["data"]);
        Assert.Equal((3.0, 22.0), windows["training"]);
    }

    [Fact]
    public void AJobKilledInTrainingAndInEmbeddingResumesToTheSameArtefacts()
    {
        using var dir = new TempDirectory();
        var log = new StringWriter();
        var trials = new KillResumeTrials(dir.Path, "tiny", log).Run(2, ["training", "embedding"]);
        Assert.All(trials, t => Assert.True(t.Identical, log.ToString()));
        Assert.Contains(trials, t => t.Killed);   // at least one kill landed before the job ended (otherwise nothing was tested)
    }
}
