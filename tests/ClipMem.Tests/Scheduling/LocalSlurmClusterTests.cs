using ClipMem.Experiments;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Scheduling;
using ClipMem.Experiments.Scheduling.Slurm;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Scheduling;

/// <summary>
/// A tiny captions sweep on a real single-node Slurm cluster (environment/local-slurm.sh: munged, slurmctld, slurmd on
/// localhost in a scratch folder), with one task killed as it starts: the cluster reports it failed and cancels what
/// waits for it, the task is resubmitted alone, the rest is submitted again, and every result equals a serial run of
/// the same plan. Needs root and Debian's Slurm (environment/setup-slurm.sh); without them the test says so and
/// returns, except where CLIPMEM_REQUIRE_SLURM=1 (CI), where their absence fails.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class LocalSlurmClusterTests
{
    private static readonly ExperimentConfig Tiny = ExperimentPreset.Named("tiny") with { Seed = 2 };

    private const string Killed = "seed-2/captions-3/score";

    [Fact]
    public void ASweepRunAsJobArraysEqualsTheSerialRunOfItsPlanAfterAFailedTaskIsResubmittedAlone()
    {
        string script = RunDirectory.InCheckout(Path.Combine("environment", "local-slurm.sh"));
        string searchPath = Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin";
        string? missing = new[] { "slurmctld", "slurmd", "sbatch", "munged" }.FirstOrDefault(t => ClipMem.Data.Loaders.ExternalCommand.FindOnPath(t, searchPath) is null);
        string? why = !IsRoot() ? "the test is not running as root" : missing is not null ? $"{missing} is not installed" : null;
        if (why is not null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CLIPMEM_REQUIRE_SLURM") != "1",
                $"CLIPMEM_REQUIRE_SLURM=1 but the local Slurm cluster cannot start: {why} (environment/setup-slurm.sh installs Slurm)");
            Console.WriteLine($"skipped: {why} (environment/setup-slurm.sh installs Slurm; the test needs root)");
            return;
        }

        using var dir = new TempDirectory();
        string clusterDir = Path.Combine(dir.Path, "cluster"), onSlurm = Path.Combine(dir.Path, "slurm"), serial = Path.Combine(dir.Path, "serial");
        var started = new SlurmClient().Run("bash", [script, "start", clusterDir]);
        try
        {
            Assert.True(started.Succeeded, $"local-slurm.sh start failed: {started.Error}");
            var conf = new Dictionary<string, string> { ["SLURM_CONF"] = Path.Combine(clusterDir, "slurm.conf") };
            var cluster = new SlurmClient(conf);
            var withFault = new SlurmClient(new Dictionary<string, string>(conf) { [ClipMem.Common.FaultInjection.Variable] = $"job:{Killed}" });
            var options = new SlurmOptions(ClipMemCommand.ShellPrefix(), Time: "20");
            var plan = ExperimentPlanner.Write(MitigationGrid.Captions, Tiny, new PlanRuntime(), onSlurm, "quick", 1);
            ExperimentPlanner.Write(MitigationGrid.Captions, Tiny, new PlanRuntime(), serial, "quick", 1);

            // First submission: every stage; the killed score job (retried once by its script, killed again) fails its array.
            var first = new SlurmSubmitter(onSlurm, withFault, TextWriter.Null).Submit(options);
            Assert.Equal(plan.ByStage().Count, first.Stages.Count);
            WaitForQueueToEmpty(onSlurm, cluster);
            var status = SlurmStatus.Of(onSlurm, cluster).Jobs.ToDictionary(j => j.Plan.Job.Id);
            Assert.Equal(PlanStatus.Failed, status[Killed].Plan.State);
            Assert.Equal(2, status[Killed].Plan.Record!.Attempts);
            Assert.All(plan.Jobs.Where(j => j.Kind is JobKind.Prepare or JobKind.Train || (j.Kind == JobKind.Score && j.Id != Killed)),
                j => Assert.Equal(PlanStatus.Done, status[j.Id].Plan.State));
            // The stages after the failed array were cancelled by Slurm, not left pending forever.
            Assert.All(plan.Jobs.Where(j => j.Kind is JobKind.Evaluate or JobKind.Summarize), j => Assert.NotEqual(PlanStatus.Done, status[j.Id].Plan.State));

            // The failed task alone, without the fault; then whatever is still unfinished.
            var again = new SlurmSubmitter(onSlurm, cluster, TextWriter.Null).Resubmit([Killed]);
            Assert.Single(again.Stages.Single().Tasks!);
            WaitForQueueToEmpty(onSlurm, cluster);
            Assert.Equal(PlanStatus.Done, SlurmStatus.Of(onSlurm, cluster).Jobs.Single(j => j.Plan.Job.Id == Killed).Plan.State);
            var rest = new SlurmSubmitter(onSlurm, cluster, TextWriter.Null).Submit(options);
            Assert.Equal(["evaluate", "summarize"], rest.Stages.Select(s => plan.Job(s.Jobs[0]).Kind));
            WaitForQueueToEmpty(onSlurm, cluster);
            Assert.All(PlanStatus.Of(onSlurm, plan), j => Assert.Equal(PlanStatus.Done, j.State));

            new PlanRunner(serial, TextWriter.Null).Run(parallel: 2);
            foreach (var run in plan.Jobs.Where(j => j.Kind == JobKind.Evaluate).Select(j => j.Run))
                Assert.Equal(File.ReadAllText(Path.Combine(serial, run, "scores.csv")), File.ReadAllText(Path.Combine(onSlurm, run, "scores.csv")));
            Assert.Equal(Comparable(serial), Comparable(onSlurm));
        }
        finally
        {
            new SlurmClient().Run("bash", [script, "stop", clusterDir]);
        }
        Assert.False(File.Exists(Path.Combine(clusterDir, "slurmctld.pid")));
    }

    /// <summary>The sweep's table without what differs between two folders or two clocks: the run directory and the wall time.</summary>
    private static List<string> Comparable(string root)
    {
        var lines = File.ReadAllLines(Path.Combine(root, MitigationStudy.RunsTable + ".csv"));
        var header = lines[0].Split(',');
        var kept = Enumerable.Range(0, header.Length).Where(i => header[i] is not ("run_directory" or "wall_seconds")).ToList();
        return lines.Select(l => string.Join(',', kept.Select(i => l.Split(',')[i]))).ToList();
    }

    private static void WaitForQueueToEmpty(string planRoot, ISlurmClient cluster)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (SlurmStatus.Queued(planRoot, cluster).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the local cluster did not finish the submitted tasks within 10 minutes");
            Thread.Sleep(1000);
        }
    }

    // The effective user id is the third field of /proc/self/status's Uid line (real, effective, saved, filesystem).
    private static bool IsRoot() => File.Exists("/proc/self/status")
        && File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
