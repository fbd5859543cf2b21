namespace ClipMem.Experiments.Scheduling.Slurm;

/// <summary>A plan job beside the Slurm task that last ran it: its state in the queue or in accounting, when Slurm still knows it.</summary>
public sealed record SlurmJobStatus(JobStatus Plan, string? SlurmTask, string? SlurmState, string? Reason);

/// <summary>
/// `clipmem slurm status`: each job's state from the run directory (<see cref="PlanStatus"/>, the truth for done and
/// failed) beside what Slurm says of the task that last ran it: squeue for tasks still queued or running, sacct for
/// finished ones where the cluster keeps accounting (without it, finished tasks show only their plan state).
/// </summary>
public static class SlurmStatus
{
    public static (IReadOnlyList<SlurmJobStatus> Jobs, string? Note) Of(string planRoot, ISlurmClient client)
    {
        planRoot = Path.GetFullPath(planRoot);
        var plan = ExperimentPlan.Load(planRoot);
        var lastTask = new Dictionary<string, string>();
        foreach (var (job, task) in SlurmLedger.Read(planRoot).SelectMany(s => s.Stages).SelectMany(s => s.TaskIds())) lastTask[job] = task;
        var slurmIds = lastTask.Values.Select(t => t.Split('_')[0]).Distinct().ToList();
        var states = new Dictionary<string, (string State, string? Reason)>();
        string? note = null;
        if (slurmIds.Count > 0)
        {
            var accounting = client.Run("sacct", ["-n", "-P", "-X", "-j", string.Join(',', slurmIds), "-o", "JobID,State,ExitCode"]);
            if (accounting.Succeeded)
                foreach (var (task, state, detail) in Lines(accounting.Output)) states[task] = (state, detail == "0:0" ? null : $"exit {detail}");
            else note = $"sacct: {accounting.Error.Trim().Split('\n')[0]} (finished tasks show their plan state only)";
            // squeue knows the live tasks best, and is there without accounting.
            var queue = client.Run("squeue", ["-h", "-r", "-j", string.Join(',', slurmIds), "-o", "%i|%T|%r"]);
            if (queue.Succeeded)
                foreach (var (task, state, reason) in Lines(queue.Output)) states[task] = (state, reason is "None" or "" ? null : reason);
            else note = (note is null ? "" : note + "; ") + $"squeue: {queue.Error.Trim().Split('\n')[0]}";
        }
        var jobs = PlanStatus.Of(planRoot, plan).Select(j =>
        {
            string? task = lastTask.GetValueOrDefault(j.Job.Id);
            var slurm = task is not null && states.TryGetValue(task, out var s) ? s : ((string State, string? Reason)?)null;
            return new SlurmJobStatus(j, task, slurm?.State, slurm?.Reason);
        }).ToList();
        return (jobs, note);
    }

    /// <summary>The tasks of recorded submissions that squeue still lists (pending or running).</summary>
    public static IReadOnlyList<string> Queued(string planRoot, ISlurmClient client)
    {
        var slurmIds = SlurmLedger.Read(planRoot).SelectMany(s => s.Stages).Select(s => s.SlurmJobId).OfType<string>().Distinct().ToList();
        if (slurmIds.Count == 0) return [];
        var queue = client.Run("squeue", ["-h", "-r", "-j", string.Join(',', slurmIds), "-o", "%i|%T|%r"]);
        // squeue refuses ids it has forgotten ("Invalid job id specified") once they have all left the queue.
        if (!queue.Succeeded) return queue.Error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? [] : throw new InvalidOperationException($"squeue failed: {queue.Error.Trim()}");
        return Lines(queue.Output).Select(l => l.Task).ToList();
    }

    private static IEnumerable<(string Task, string State, string Detail)> Lines(string output)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length < 2) continue;
            // sacct prints "CANCELLED by 0"; the first word is the state.
            yield return (parts[0], parts[1].Split(' ')[0], parts.Length > 2 ? parts[2] : "");
        }
    }
}
