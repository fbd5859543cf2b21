using System.Text.Json.Nodes;
using ClipMem.Experiments;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Scheduling;

namespace ClipMem.Tests.Scheduling;

/// <summary>`clipmem plan`: the jobs of each experiment, their dependencies and stages, the run folders they fill, and a plan folder that is never overwritten.</summary>
public class ExperimentPlanTests
{
    private static readonly ExperimentConfig Tiny = ExperimentPreset.Named("tiny");

    private static ExperimentPlan Plan(string experiment, string root, int seeds = 1, ExperimentConfig? baseline = null) =>
        ExperimentPlanner.Write(experiment, baseline ?? Tiny, new PlanRuntime(), root, "quick", seeds);

    /// <summary>Every dependency sits in an earlier stage, and a job's stage is one more than its latest dependency's.</summary>
    private static void AssertStagesFollowDependencies(ExperimentPlan plan)
    {
        var stages = plan.Stages();
        foreach (var job in plan.Jobs)
            Assert.Equal(job.After.Count == 0 ? 0 : job.After.Max(a => stages[a]) + 1, stages[job.Id]);
    }

    [Fact]
    public void TheMainJobIsPrepareThenFAndGThenScoreThenEvaluateInOneRunDirectory()
    {
        using var dir = new TempDirectory();
        var plan = Plan(ExperimentPlanner.Reproduce, dir.Path);

        Assert.Equal(["prepare", "train-f", "train-g", "score", "evaluate"], plan.Jobs.Select(j => j.Id));
        Assert.Equal([0, 1, 1, 2, 3], plan.Jobs.Select(j => plan.Stages()[j.Id]));
        Assert.Equal(["train-f", "train-g"], plan.Job("score").After);
        Assert.All(plan.Jobs, j => Assert.Equal(".", j.Run));
        // The run directory is the plan's folder, with the baseline's config.
        var (_, config) = RunDirectory.OpenExisting(dir.Path);
        Assert.Equal(Tiny.Hash(), config.Hash());
        Assert.Equal(Tiny.Hash(), ExperimentPlan.Load(dir.Path).BaselineConfig().Hash());
    }

    [Fact]
    public void ASweepPlansEverySettingAtEverySeedInTheStudysFoldersAndEndsWithSummarize()
    {
        using var dir = new TempDirectory();
        var plan = Plan(MitigationGrid.Noise, dir.Path, seeds: 2);

        var settings = MitigationGrid.For(MitigationGrid.Noise, Tiny, "quick");
        var runs = new ulong[] { 0, 1 }.SelectMany(seed => settings.Select(s => (Folder: MitigationStudy.SettingFolder(seed, s), Config: s.Config with { Seed = seed }))).ToList();
        Assert.Equal(runs.Count * 5 + 1, plan.Jobs.Count);
        Assert.Equal(runs.Select(r => r.Folder).Append("."), plan.Jobs.Select(j => j.Run).Distinct());
        foreach (var (folder, config) in runs)
            Assert.Equal(config.Hash(), RunDirectory.OpenExisting(Path.Combine(dir.Path, folder)).Config.Hash());
        var summarize = plan.Job(JobKind.Summarize);
        Assert.Equal(runs.Select(r => $"{r.Folder}/evaluate"), summarize.After);
        Assert.Equal(5, plan.ByStage().Count);
        AssertStagesFollowDependencies(plan);
        Assert.Equal(new ulong[] { 0, 1 }, plan.Seeds);
    }

    [Fact]
    public void TheTextAgainstImageCasesArePlannedWithTheirGeneratedImages()
    {
        using var dir = new TempDirectory();
        var plan = Plan(MitigationGrid.TextVsImage, dir.Path);
        Assert.Equal(5 * 5 + 1, plan.Jobs.Count);
        var cases = MitigationGrid.For(MitigationGrid.TextVsImage, Tiny, "quick");
        Assert.Equal([0, 1, 5, 0, 5], cases.Select(c => RunDirectory.OpenExisting(Path.Combine(dir.Path, MitigationStudy.SettingFolder(0, c))).Config.Data.GeneratedImages));
        AssertStagesFollowDependencies(plan);
    }

    [Fact]
    public void ARemovalRunIsDerivedFromItsEvaluatedBaselineAndRetrainsOnlyF()
    {
        using var dir = new TempDirectory();
        var plan = Plan(MitigationGrid.Removal, dir.Path);

        int candidates = ExperimentData.Build(Tiny, TextWriter.Null).Plan.Members(ClipMem.Data.Splits.Split.Candidates).Count;
        var settings = MitigationGrid.RemovalSettings(candidates, "quick");
        Assert.Equal(5 + settings.Count * 4 + 1, plan.Jobs.Count);
        string baseline = MitigationStudy.BaselineFolder(0);
        foreach (var (ranking, count) in settings)
        {
            string run = MitigationStudy.RemovalFolder(0, ranking, count);
            var derive = plan.Job($"{run}/derive");
            Assert.Equal([$"{baseline}/evaluate"], derive.After);
            Assert.Equal(new RemovalDerivation(baseline, ranking, count), derive.Derive);
            Assert.Equal([$"{run}/derive"], plan.Job($"{run}/train-f").After);
            Assert.DoesNotContain(plan.Jobs, j => j.Id == $"{run}/train-g");
            // Created by its derive job, once the baseline's scores exist to rank.
            Assert.False(Directory.Exists(Path.Combine(dir.Path, run)));
        }
        AssertStagesFollowDependencies(plan);
        Assert.Equal(9, plan.ByStage().Count);
    }

    [Fact]
    public void PlanningTheSameAgainIsAcceptedAndAnotherPlanInTheFolderIsRefusedWithNothingOverwritten()
    {
        using var dir = new TempDirectory();
        Plan(MitigationGrid.Noise, dir.Path);
        string before = File.ReadAllText(Path.Combine(dir.Path, ExperimentPlan.FileName));
        Plan(MitigationGrid.Noise, dir.Path);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir.Path, ExperimentPlan.FileName)));

        var other = Assert.Throws<InvalidOperationException>(() => Plan(MitigationGrid.Noise, dir.Path, seeds: 2));
        Assert.Contains("holds a plan of another experiment or of other settings", other.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir.Path, ExperimentPlan.FileName)));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "seed-1")));
    }

    [Fact]
    public void BadPlansAreRefusedNamingTheFileAndTheJob()
    {
        using var dir = new TempDirectory();
        Plan(ExperimentPlanner.Reproduce, dir.Path);
        string path = Path.Combine(dir.Path, ExperimentPlan.FileName);
        string good = File.ReadAllText(path);

        void Corrupt(Action<JsonArray> change, string expected)
        {
            var node = JsonNode.Parse(good)!;
            change(node["jobs"]!.AsArray());
            File.WriteAllText(path, node.ToJsonString());
            var error = Assert.Throws<InvalidDataException>(() => ExperimentPlan.Load(dir.Path));
            Assert.Contains(path, error.Message);
            Assert.Contains(expected, error.Message);
        }

        // A dependency on a later job (a cycle would need one).
        Corrupt(jobs => jobs[0]!["after"] = new JsonArray("evaluate"), "job 'prepare' waits for 'evaluate', which is not an earlier job");
        Corrupt(jobs => jobs[2]!["id"] = "train-f", "job id 'train-f' appears twice");
        Corrupt(jobs => jobs[3]!["kind"] = "train-everything", "unknown kind 'train-everything'");
        Corrupt(jobs => jobs[4]!["run"] = "../elsewhere", "not a folder inside the plan's");
        File.WriteAllText(path, "{ not json");
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => ExperimentPlan.Load(dir.Path)).Message);
        File.Delete(path);
        Assert.Contains("clipmem plan EXPERIMENT", Assert.Throws<FileNotFoundException>(() => ExperimentPlan.Load(dir.Path)).Message);
    }

    [Fact]
    public void AnUnknownJobIdIsAnErrorListingTheJobs()
    {
        using var dir = new TempDirectory();
        var plan = Plan(ExperimentPlanner.Reproduce, dir.Path);
        var error = Assert.Throws<ArgumentException>(() => plan.Job("train-h"));
        Assert.Contains("no job 'train-h'", error.Message);
        Assert.Contains("train-f, train-g", error.Message);
    }

    [Fact]
    public void TheCliPlansIntoTheFolderItIsGivenAndReportsTheStages()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = CliCalls.Run("plan", "captions", "--preset", "tiny", "--seeds", "1", "--out", dir.Path);
        Assert.True(code == 0, error);
        Assert.Contains("planned captions: 16 jobs in 5 stages", output);
        Assert.Contains("stage 1: 6 x train", output);
        var bad = CliCalls.Run("plan", "noise", "--preset", "tiny", "--seeds", "0", "--out", Path.Combine(dir.Path, "other"));
        Assert.Equal(ClipMem.Cli.CliApp.ExitBadInput, bad.Code);
        Assert.Contains("--seeds 0", bad.Error);
    }
}
