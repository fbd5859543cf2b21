using ClipMem.Experiments;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Scheduling;
using ClipMem.Experiments.Scheduling.Slurm;

namespace ClipMem.Tests.Scheduling;

/// <summary>
/// `clipmem slurm`: the scripts it writes (run through bash against a stand-in sbatch that records its arguments), what it
/// submits, the ledger, resubmission of one task, and the status it reads from squeue and sacct.
/// </summary>
public class SlurmSubmitterTests
{
    private static readonly ExperimentConfig Tiny = ExperimentPreset.Named("tiny");

    private static readonly SlurmOptions Options = new("clipmem-on-the-node", Time: "30");

    /// <summary>Runs bash for real, with a stand-in sbatch first on PATH; answers squeue and sacct as told.</summary>
    private sealed class StandInCluster : ISlurmClient
    {
        private readonly string _bin;
        public List<(string Command, IReadOnlyList<string> Arguments)> Calls { get; } = [];
        public string Queue { get; set; } = "";
        public CommandResult Accounting { get; set; } = new(1, "", "Slurm accounting storage is disabled");

        public StandInCluster(string folder)
        {
            _bin = Path.Combine(folder, "bin");
            Directory.CreateDirectory(_bin);
            // Each call appends its arguments to sbatch.calls and prints the next job id, 100 on.
            string sbatch = Path.Combine(_bin, "sbatch");
            File.WriteAllText(sbatch, "#!/bin/bash\necho \"$*\" >> \"$(dirname \"$0\")/sbatch.calls\"\nn=$(wc -l < \"$(dirname \"$0\")/sbatch.calls\")\necho \"$((99 + n));cluster\"\n");
            MakeExecutable(sbatch);
        }

        public IReadOnlyList<string> SbatchCalls => File.Exists(Path.Combine(_bin, "sbatch.calls")) ? File.ReadAllLines(Path.Combine(_bin, "sbatch.calls")) : [];

        public CommandResult Run(string command, IReadOnlyList<string> arguments, string? workingDirectory = null)
        {
            Calls.Add((command, arguments));
            var environment = new Dictionary<string, string> { ["PATH"] = _bin + ":" + Environment.GetEnvironmentVariable("PATH") };
            return command switch
            {
                "squeue" => new CommandResult(0, Queue, ""),
                "sacct" => Accounting,
                _ => new SlurmClient(environment).Run(command is "sbatch" ? Path.Combine(_bin, "sbatch") : command, arguments, workingDirectory),
            };
        }
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static (string Root, ExperimentPlan Plan) Planned(TempDirectory dir, string experiment = MitigationGrid.Noise)
    {
        string root = Path.Combine(dir.Path, "plan");
        return (root, ExperimentPlanner.Write(experiment, Tiny, new PlanRuntime(), root, "quick", 1));
    }

    [Fact]
    public void EachStageIsOneArrayWaitingForThePreviousOneAndAskingForItsJobsThreads()
    {
        using var dir = new TempDirectory();
        var (root, plan) = Planned(dir);
        var cluster = new StandInCluster(dir.Path);

        var submission = new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options with { Partition = "gpu", Account = "lab-42", GpusPerJob = 1 });

        var stages = plan.ByStage();
        Assert.Equal(stages.Count, submission.Stages.Count);
        var calls = cluster.SbatchCalls;
        Assert.Equal(stages.Count, calls.Count);
        Assert.Equal("--parsable stage-0.sbatch", calls[0]);
        for (int k = 1; k < calls.Count; k++)
            Assert.Equal($"--parsable --dependency=afterok:{99 + k} --kill-on-invalid-dep=yes stage-{k}.sbatch", calls[k]);
        // The ids sbatch printed ("id;cluster") are recorded without the cluster.
        Assert.Equal(Enumerable.Range(100, stages.Count).Select(i => i.ToString()), SlurmLedger.Read(root).Single().Stages.Select(s => s.SlurmJobId));

        foreach (var (stage, k) in submission.Stages.Select((s, k) => (s, k)))
        {
            Assert.Equal(stages[k].Select(j => j.Id), File.ReadAllLines(stage.JobsFile));
            string script = File.ReadAllText(stage.Script);
            Assert.Contains($"#SBATCH --array=0-{stages[k].Count - 1}\n", script);
            int threads = stages[k].All(j => j.Kind == JobKind.Train) ? 1 : 2;
            Assert.Contains($"#SBATCH --cpus-per-task={threads}\n", script);
            Assert.Contains("#SBATCH --partition=gpu\n", script);
            Assert.Contains("#SBATCH --account=lab-42\n", script);
            Assert.Contains("#SBATCH --gpus-per-task=1\n", script);
            Assert.Contains("#SBATCH --time=30\n", script);
            Assert.Contains("clipmem-on-the-node run-job \"$plan_root\" \"$job_id\"", script);
        }
    }

    [Fact]
    public void TheStageScriptRunsTheJobOnItsLineAndRetriesOnlyAKilledOne()
    {
        using var dir = new TempDirectory();
        var (root, _) = Planned(dir, ExperimentPlanner.Reproduce);
        // A stand-in clipmem: records its arguments; killed by SIGKILL on its first call, exits 3 on its second.
        string fake = Path.Combine(dir.Path, "fake-clipmem");
        File.WriteAllText(fake, "#!/bin/bash\necho \"$*\" >> \"$0.calls\"\nn=$(wc -l < \"$0.calls\")\n[ \"$n\" -eq 1 ] && kill -9 $$\nexit 3\n");
        MakeExecutable(fake);
        var submission = new SlurmSubmitter(root, new StandInCluster(dir.Path), TextWriter.Null).Submit(Options with { Command = fake }, dryRun: true);

        var trainStage = submission.Stages[1];
        var run = new SlurmClient(new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "1" }).Run("bash", [trainStage.Script]);
        Assert.Equal(3, run.ExitCode);                           // the error exit is passed on, not retried
        Assert.Contains("attempt 1 killed by signal 9", run.Error);
        Assert.Equal([$"run-job {Path.GetFullPath(root)} train-g", $"run-job {Path.GetFullPath(root)} train-g"], File.ReadAllLines(fake + ".calls"));
    }

    [Fact]
    public void ADryRunWritesTheScriptsAndSubmitsNothingAndOnlyUnfinishedJobsAreSubmitted()
    {
        using var dir = new TempDirectory();
        var (root, plan) = Planned(dir, ExperimentPlanner.Reproduce);
        var cluster = new StandInCluster(dir.Path);

        var dry = new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options, dryRun: true);
        Assert.Empty(cluster.SbatchCalls);
        Assert.True(File.Exists(Path.Combine(dry.Folder, "submit.sh")));
        Assert.All(dry.Stages, s => Assert.Null(s.SlurmJobId));

        PlanJobs.Run(root, "prepare", TextWriter.Null);
        var real = new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options);
        Assert.Equal([1, 2, 3], real.Stages.Select(s => s.Stage));   // prepare is done
        Assert.EndsWith("submit-2", real.Folder);                    // the dry run's scripts are kept
        Assert.Equal(["train-f", "train-g"], real.Stages[0].Jobs);
        Assert.Equal("--parsable stage-1.sbatch", cluster.SbatchCalls[0]);
    }

    [Fact]
    public void ASubmissionWhileAnEarlierOneIsQueuedIsRefusedUnlessForced()
    {
        using var dir = new TempDirectory();
        var (root, _) = Planned(dir, ExperimentPlanner.Reproduce);
        var cluster = new StandInCluster(dir.Path);
        new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options);
        cluster.Queue = "101_0|RUNNING|None\n101_1|PENDING|Resources\n";

        var refused = Assert.Throws<InvalidOperationException>(() => new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options));
        Assert.Contains("still has 2 task(s) in the queue (101_0, 101_1)", refused.Message);
        Assert.Single(SlurmLedger.Read(root));
        new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options, force: true);
        Assert.Equal(2, SlurmLedger.Read(root).Count);
    }

    [Fact]
    public void AFailedTaskIsResubmittedAloneAsTheArrayTaskItWas()
    {
        using var dir = new TempDirectory();
        var (root, _) = Planned(dir, ExperimentPlanner.Reproduce);
        var cluster = new StandInCluster(dir.Path);
        var first = new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options);

        // Before prepare is done, train-g cannot run.
        var early = Assert.Throws<InvalidOperationException>(() => new SlurmSubmitter(root, cluster, TextWriter.Null).Resubmit(["train-g"]));
        Assert.Contains("waits for prepare, which is not done", early.Message);

        PlanJobs.Run(root, "prepare", TextWriter.Null);
        var again = new SlurmSubmitter(root, cluster, TextWriter.Null).Resubmit(["train-g"]);
        Assert.Equal($"--parsable --array=1 {first.Stages[1].Script}", cluster.SbatchCalls[^1]);
        var stage = again.Stages.Single();
        Assert.Equal([1], stage.Tasks);
        Assert.Equal([("train-g", $"{stage.SlurmJobId}_1")], stage.TaskIds());

        Assert.Contains("is done; nothing to resubmit", Assert.Throws<InvalidOperationException>(() => new SlurmSubmitter(root, cluster, TextWriter.Null).Resubmit(["prepare"])).Message);
    }

    [Fact]
    public void StatusShowsEachJobsLastTaskWithWhatSqueueSaysAndNotesMissingAccounting()
    {
        using var dir = new TempDirectory();
        var (root, _) = Planned(dir, ExperimentPlanner.Reproduce);
        var cluster = new StandInCluster(dir.Path);
        new SlurmSubmitter(root, cluster, TextWriter.Null).Submit(Options);   // stages 0-3 are Slurm jobs 100-103
        cluster.Queue = "100_0|RUNNING|None\n101_0|PENDING|Dependency\n101_1|PENDING|Dependency\n";

        var (jobs, note) = SlurmStatus.Of(root, cluster);
        var byId = jobs.ToDictionary(j => j.Plan.Job.Id);
        Assert.Equal(("100_0", "RUNNING", (string?)null), (byId["prepare"].SlurmTask, byId["prepare"].SlurmState, byId["prepare"].Reason));
        Assert.Equal(("101_1", "PENDING", "Dependency"), (byId["train-g"].SlurmTask, byId["train-g"].SlurmState, byId["train-g"].Reason));
        Assert.Equal(("103_0", (string?)null), (byId["evaluate"].SlurmTask, byId["evaluate"].SlurmState));
        Assert.Contains("accounting storage is disabled", note);

        // With accounting, a finished task's state and exit code come from sacct.
        cluster.Accounting = new CommandResult(0, "102_0|FAILED|1:0\n103_0|CANCELLED by 0|0:0\n", "");
        (jobs, note) = SlurmStatus.Of(root, cluster);
        byId = jobs.ToDictionary(j => j.Plan.Job.Id);
        Assert.Equal(("FAILED", "exit 1:0"), (byId["score"].SlurmState, byId["score"].Reason));
        Assert.Equal("CANCELLED", byId["evaluate"].SlurmState);
        Assert.Null(note);
    }

    [Theory]
    [InlineData("4:00:00", null, true)]
    [InlineData("1-12:00:00", null, true)]
    [InlineData("four hours", null, false)]
    [InlineData("30", "gpu;rm -rf /", false)]
    public void OptionsThatWouldBreakADirectiveAreRefused(string time, string? partition, bool valid)
    {
        var options = Options with { Time = time, Partition = partition };
        if (valid) options.Validate();
        else Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void AWordWithQuotesIsQuotedForTheShell()
    {
        var echoed = new SlurmClient().Run("bash", ["-c", "printf %s " + SlurmScripts.Quote("it's a $HOME \"x\"")]);
        Assert.Equal("it's a $HOME \"x\"", echoed.Output);
    }
}
