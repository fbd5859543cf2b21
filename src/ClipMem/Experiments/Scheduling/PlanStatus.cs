using ClipMem.Experiments.Jobs;

namespace ClipMem.Experiments.Scheduling;

/// <summary>A job's state as `clipmem status` shows it, with its stage and its last attempt's record.</summary>
public sealed record JobStatus(PlannedJob Job, int Stage, string State, JobRecord? Record);

/// <summary>
/// Every job's state, from the run directories and the job records: done (its artefacts are complete), running
/// (a process holds its claim), failed (its last attempt failed, or died: a record left "running" with no one
/// holding the claim), ready (everything it waits for is done) or waiting.
/// </summary>
public static class PlanStatus
{
    public const string Done = "done", Running = "running", Failed = "failed", Ready = "ready", Waiting = "waiting";

    public static IReadOnlyList<string> States { get; } = [Done, Running, Failed, Ready, Waiting];

    public static IReadOnlyList<JobStatus> Of(string planRoot, ExperimentPlan plan)
    {
        var stages = plan.Stages();
        var done = plan.Jobs.ToDictionary(j => j.Id, j => PlanJobs.IsDone(plan, planRoot, j));
        return plan.Jobs.Select(job =>
        {
            var record = JobRecord.Read(planRoot, job.Id);
            string state = done[job.Id] ? Done
                : RunLock.IsHeld(JobRecord.LockOf(planRoot, job.Id)) ? Running
                : record?.State is JobRecord.Failed or JobRecord.Running ? Failed
                : job.After.All(a => done[a]) ? Ready
                : Waiting;
            return new JobStatus(job, stages[job.Id], state, record);
        }).ToList();
    }

    /// <summary>One line per state with its count, "12 done, 1 running, ...", leaving out the empty ones.</summary>
    public static string Counts(IReadOnlyList<JobStatus> jobs) =>
        string.Join(", ", States.Select(s => (s, n: jobs.Count(j => j.State == s))).Where(p => p.n > 0).Select(p => $"{p.n} {p.s}"));
}
