using ClipMem.Experiments;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.Scheduling;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Scheduling;

/// <summary>`clipmem run-job`, `run-plan` and `status`: jobs run once, in order, give reproduce's run, and report their state.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class PlanJobsTests
{
    private static readonly ExperimentConfig Tiny = ExperimentPreset.Named("tiny") with { Seed = 5 };

    private static ExperimentPlan PlanMainJob(string root) => ExperimentPlanner.Write(ExperimentPlanner.Reproduce, Tiny, new PlanRuntime(), root);

    private static Dictionary<string, string> States(string root) =>
        PlanStatus.Of(root, ExperimentPlan.Load(root)).ToDictionary(s => s.Job.Id, s => s.State);

    [Fact]
    public void APlanRunJobByJobGivesTheRunOfReproduceAndARepeatedJobIsANoOp()
    {
        using var dir = new TempDirectory();
        string planned = Path.Combine(dir.Path, "plan"), whole = Path.Combine(dir.Path, "reproduce");
        PlanMainJob(planned);
        Assert.Equal("prepare", States(planned).Single(s => s.Value == PlanStatus.Ready).Key);

        // Each job a child process (one model per process), f and g at once.
        new PlanRunner(planned, TextWriter.Null).Run(parallel: 2);
        Assert.All(States(planned).Values, s => Assert.Equal(PlanStatus.Done, s));
        foreach (var job in ExperimentPlan.Load(planned).Jobs)
        {
            var record = JobRecord.Read(planned, job.Id)!;
            Assert.Equal((JobRecord.Done, 1, null), (record.State, record.Attempts, record.Error));
        }

        Assert.Equal(0, CliCalls.Run("reproduce", "--preset", "tiny", "--seed", "5", "--out", whole).Code);
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "scores.csv")), File.ReadAllText(Path.Combine(planned, "scores.csv")));

        // Done jobs are no-ops: nothing is rewritten, and the record keeps its single attempt.
        var written = File.GetLastWriteTimeUtc(Path.Combine(planned, "scores.csv"));
        Assert.Equal(PlanJobs.Outcome.AlreadyDone, PlanJobs.Run(planned, "score", TextWriter.Null));
        Assert.Equal(PlanJobs.Outcome.AlreadyDone, PlanJobs.Run(planned, "train-f", TextWriter.Null));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(planned, "scores.csv")));
        Assert.Equal(1, JobRecord.Read(planned, "score")!.Attempts);
    }

    [Fact]
    public void StatusTellsReadyWaitingRunningAndFailedJobsApart()
    {
        using var dir = new TempDirectory();
        PlanMainJob(dir.Path);
        Assert.Equal(PlanStatus.Ready, States(dir.Path)["prepare"]);
        Assert.All(States(dir.Path).Where(s => s.Key != "prepare"), s => Assert.Equal(PlanStatus.Waiting, s.Value));

        Assert.Equal(PlanJobs.Outcome.Ran, PlanJobs.Run(dir.Path, "prepare", TextWriter.Null));
        using (RunLock.Acquire(JobRecord.LockOf(dir.Path, "train-f"), "a test standing in for a running job"))
        {
            JobRecord.Start(dir.Path, "train-g").Finish(dir.Path, "out of memory");
            JobRecord.Start(dir.Path, "score");  // its process died: the record says running, no one holds the claim
            var states = States(dir.Path);
            Assert.Equal(
                [PlanStatus.Done, PlanStatus.Running, PlanStatus.Failed, PlanStatus.Failed, PlanStatus.Waiting],
                new[] { "prepare", "train-f", "train-g", "score", "evaluate" }.Select(id => states[id]));
            Assert.Equal("1 done, 1 running, 2 failed, 1 waiting", PlanStatus.Counts(PlanStatus.Of(dir.Path, ExperimentPlan.Load(dir.Path))));
        }
        Assert.Equal(PlanStatus.Ready, States(dir.Path)["train-f"]);
    }

    [Fact]
    public void AJobWhoseDependenciesAreNotDoneIsRefusedNamingTheJobToRunFirst()
    {
        using var dir = new TempDirectory();
        PlanMainJob(dir.Path);
        var error = Assert.Throws<InvalidOperationException>(() => PlanJobs.Run(dir.Path, "train-g", TextWriter.Null));
        Assert.Contains($"job train-g waits for prepare, which is not done: run `clipmem run-job {dir.Path} prepare` first", error.Message);
        Assert.Null(JobRecord.Read(dir.Path, "train-g"));
    }

    [Fact]
    public void ASecondCopyOfAJobWaitsForTheFirstAndThenFindsItDone()
    {
        using var dir = new TempDirectory();
        PlanMainJob(dir.Path);
        var log = new StringWriter();
        PlanJobs.Outcome? outcome = null;
        var second = new Thread(() => outcome = PlanJobs.Run(dir.Path, "prepare", TextWriter.Synchronized(log), pollEvery: TimeSpan.FromMilliseconds(20)));
        using (RunLock.Acquire(JobRecord.LockOf(dir.Path, "prepare"), "the first copy"))
        {
            second.Start();
            Thread.Sleep(500);
            Assert.True(second.IsAlive);
            Assert.Contains("job prepare is being run by", log.ToString());
            // The first copy does the work meanwhile.
            var (run, config) = RunDirectory.OpenExisting(dir.Path);
            RunSteps.Prepare(run, config, new RuntimeOptions(), TextWriter.Null);
        }
        second.Join();
        Assert.Equal(PlanJobs.Outcome.AlreadyDone, outcome);
    }

    [Fact]
    public async Task ARunJobKilledAsItStartsLeavesARecordThatStatusReportsAsFailed()
    {
        using var dir = new TempDirectory();
        PlanMainJob(dir.Path);
        var start = ClipMemCommand.StartInfo(["run-job", dir.Path, "prepare"]);
        start.Environment[ClipMem.Common.FaultInjection.Variable] = "job:prepare";
        using var process = System.Diagnostics.Process.Start(start)!;
        // Standard input stays open: the child stops when it closes (ParentWatch).
        await Task.WhenAll(process.StandardError.ReadToEndAsync(), process.StandardOutput.ReadToEndAsync());
        await process.WaitForExitAsync();
        Assert.Equal(128 + 9, process.ExitCode);
        Assert.Equal(JobRecord.Running, JobRecord.Read(dir.Path, "prepare")!.State);
        Assert.Equal(PlanStatus.Failed, States(dir.Path)["prepare"]);
        // Run again without the fault, it completes: a second attempt.
        Assert.Equal(PlanJobs.Outcome.Ran, PlanJobs.Run(dir.Path, "prepare", TextWriter.Null));
        Assert.Equal((JobRecord.Done, 2), (JobRecord.Read(dir.Path, "prepare")!.State, JobRecord.Read(dir.Path, "prepare")!.Attempts));
    }
}
