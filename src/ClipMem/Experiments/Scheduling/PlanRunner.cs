using ClipMem.Experiments.Jobs;
using ClipMem.Training;

namespace ClipMem.Experiments.Scheduling;

/// <summary>
/// `clipmem run-plan`: a plan's unfinished jobs on this machine, stage by stage, each `clipmem run-job` in a child
/// process of its own (one model per process), up to <c>parallel</c> at once. A child killed by a signal is retried
/// once (<see cref="JobRunner"/>). It is what a cluster does with the plan, without the cluster, and the serial
/// reference the Slurm test compares with.
/// </summary>
public sealed class PlanRunner(string planRoot, TextWriter log)
{
    public Action<TrainingProgress>? Progress { get; init; }

    public void Run(int parallel = 1)
    {
        if (parallel < 1) throw new ArgumentException($"--parallel {parallel}: allowed values are 1 or more.");
        string root = Path.GetFullPath(planRoot);
        var plan = ExperimentPlan.Load(root);
        var runner = new JobRunner(log) { Progress = Progress };
        foreach (var (stage, k) in plan.ByStage().Select((s, k) => (s, k)))
        {
            var pending = stage.Where(j => !PlanJobs.IsDone(plan, root, j)).ToList();
            if (pending.Count == 0) continue;
            log.WriteLine($"stage {k}: {pending.Count} job(s): {string.Join(", ", pending.Select(j => j.Id).Take(6))}{(pending.Count > 6 ? ", ..." : "")}");
            runner.Run(pending.Select(j => Spec(root, j)).ToList(), parallel);
        }
    }

    public static IReadOnlyList<string> Arguments(string planRoot, PlannedJob job) => ["run-job", planRoot, job.Id];

    private static JobSpec Spec(string root, PlannedJob job) =>
        new($"job {job.Id}", Arguments(root, job), Path.Combine(root, JobRecord.Folder, job.Id + ".log"));
}
