using ClipMem.Cli;
using ClipMem.Experiments;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Jobs;

/// <summary>The per-job commands: run in sequence they give reproduce's scores; claims and failed starts behave.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class JobCommandsTests
{
    private static (int Code, string Output, string Error) Cli(params string[] args) => CliCalls.Run(args);

    [Fact]
    public void PrepareTrainScoreEvaluateInSequenceGiveTheScoresOfReproduce()
    {
        using var dir = new TempDirectory();
        string byJobs = Path.Combine(dir.Path, "jobs"), whole = Path.Combine(dir.Path, "reproduce");
        string[] experiment = ["--preset", "tiny", "--seed", "4"];

        Assert.Equal(0, Cli(["prepare", .. experiment, "--out", byJobs]).Code);
        var untrained = Cli("score", byJobs);
        Assert.Equal(CliApp.ExitBadInput, untrained.Code);
        Assert.Contains($"clipmem train {byJobs} --model f", untrained.Error);
        foreach (var model in new[] { "f", "g" }) Assert.Equal(0, Cli("train", byJobs, "--model", model).Code);
        Assert.Equal(0, Cli("score", byJobs).Code);
        var evaluated = Cli("evaluate", byJobs);
        Assert.Equal(0, evaluated.Code);
        Assert.Contains("mis-captioned S_C detected: AUROC", evaluated.Output);   // the summary view's text

        Assert.Equal(0, Cli(["reproduce", .. experiment, "--out", whole]).Code);
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "scores.csv")), File.ReadAllText(Path.Combine(byJobs, "scores.csv")));
        Assert.True(File.Exists(Path.Combine(byJobs, "summary.json")));

        // The long-format table every paradigm writes holds the same scores, one row per sample.
        var wide = ScoreTable.ReadCsv(Path.Combine(byJobs, "scores.csv")).ToDictionary(r => r.SampleId);
        var longRows = File.ReadAllLines(Path.Combine(byJobs, "scores_long.csv"));
        Assert.StartsWith("sample_id,split,paradigm,score,raw,normalised,", longRows[0]);
        Assert.Equal(wide.Count, longRows.Length - 1);
        foreach (var fields in longRows.Skip(1).Select(l => l.Split(',')))
        {
            var row = wide[fields[0]];
            Assert.Equal((row.Split, "clip", "clipmem"), (fields[1], fields[2], fields[3]));
            Assert.Equal(row.Raw, double.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(row.ClipMem, double.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture));
        }

        // A finished model's train job is a no-op: no new checkpoint.
        var before = Directory.GetDirectories(Path.Combine(byJobs, "f", "checkpoints")).Order().ToList();
        Assert.Equal(0, Cli("train", byJobs, "--model", "f").Code);
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(byJobs, "f", "checkpoints")).Order().ToList());
    }

    [Fact]
    public void ASecondReproduceOnAClaimedDirectoryRefusesClearly()
    {
        using var dir = new TempDirectory();
        var config = ExperimentPreset.Tiny;
        var run = RunDirectory.Open(dir.Path, config, new RuntimeOptions());
        using (run.Claim())
        {
            var (code, _, error) = Cli("reproduce", "--preset", "tiny", "--out", dir.Path);
            Assert.Equal(CliApp.ExitBadInput, code);
            Assert.Contains($"run directory {Path.GetFullPath(dir.Path)} is in use by process pid {Environment.ProcessId}", error);
        }
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "f")));
    }

    [Fact]
    public void ADirectoryHoldingOnlyItsConfigIsNotTakenOverWhileAnotherProcessWorksInIt()
    {
        using var dir = new TempDirectory();
        var run = RunDirectory.Open(dir.Path, ExperimentPreset.Tiny, new RuntimeOptions());
        string before = File.ReadAllText(Path.Combine(dir.Path, "config.json"));
        using (run.Claim())
        {
            var (code, _, error) = Cli("prepare", "--preset", "tiny", "--seed", "9", "--out", dir.Path);
            Assert.Equal(CliApp.ExitBadInput, code);
            Assert.Contains("is in use by process pid", error);
        }
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir.Path, "config.json")));
    }

    [Fact]
    public void ARunThatFailedBeforeTrainingDoesNotBlockTheCorrectedCommand()
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run");
        var bad = Cli("prepare", "--preset", "tiny", "--dataset", "csv", "--data-dir", Path.Combine(dir.Path, "missing.csv"), "--out", run);
        Assert.Equal(CliApp.ExitBadInput, bad.Code);
        var corrected = Cli("prepare", "--preset", "tiny", "--out", run);
        Assert.True(corrected.Code == 0, corrected.Error);
        Assert.True(File.Exists(Path.Combine(run, "tokenizer.json")));
    }

    [Fact]
    public void AJobOnAFolderThatIsNotARunNamesTheCommandThatMakesOne()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Cli("train", dir.Path, "--model", "f");
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("clipmem prepare --out DIR", error);
    }
}
