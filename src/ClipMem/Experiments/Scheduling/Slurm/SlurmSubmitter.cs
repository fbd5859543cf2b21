using System.Text.RegularExpressions;
using ClipMem.Common;

namespace ClipMem.Experiments.Scheduling.Slurm;

/// <summary>
/// `clipmem slurm submit|resubmit`: a plan's unfinished jobs as Slurm job arrays, one per dependency stage, chained
/// with afterok. Each submission's scripts go to slurm/submit-N/ (kept, with their logs) and it is recorded in
/// slurm/submissions.json. Submitting again submits only what is still unfinished, so after a failure the same
/// command picks up where the cluster stopped.
/// </summary>
public sealed class SlurmSubmitter(string planRoot, ISlurmClient client, TextWriter log)
{
    private readonly string _root = Path.GetFullPath(planRoot);

    public Submission Submit(SlurmOptions options, bool dryRun = false, bool force = false)
    {
        options.Validate();
        var plan = ExperimentPlan.Load(_root);
        if (!dryRun && !force && SlurmStatus.Queued(_root, client) is { Count: > 0 } queued)
            throw new InvalidOperationException(
                $"{_root}: an earlier submission still has {queued.Count} task(s) in the queue ({string.Join(", ", queued.Take(4))}{(queued.Count > 4 ? ", ..." : "")}). " +
                "Wait for them (`clipmem slurm status`), scancel them, or pass --force (a job already running elsewhere is waited for, never run twice at once).");
        var stages = plan.Stages();
        var pending = plan.Jobs.Where(j => !PlanJobs.IsDone(plan, _root, j)).GroupBy(j => stages[j.Id]).OrderBy(g => g.Key).ToList();
        if (pending.Count == 0) throw new InvalidOperationException($"{_root}: every job of the plan is done; nothing to submit.");

        int number = SlurmLedger.NextNumber(_root);
        string folder = Path.Combine(_root, SlurmLedger.Folder, $"submit-{number}");
        string logs = Path.Combine(folder, "logs");
        Directory.CreateDirectory(logs);
        int stageCount = stages.Values.Max() + 1;
        var written = new List<(int Stage, string Script, string JobsFile, IReadOnlyList<string> Jobs)>();
        foreach (var group in pending)
        {
            var jobs = group.ToList();
            string jobsFile = Path.Combine(folder, $"stage-{group.Key}.jobs");
            string script = Path.Combine(folder, $"stage-{group.Key}.sbatch");
            AtomicFile.WriteAllText(jobsFile, string.Concat(jobs.Select(j => j.Id + "\n")));
            AtomicFile.WriteAllText(script, SlurmScripts.StageScript(plan, _root, group.Key, stageCount, jobs, jobsFile, logs, options));
            written.Add((group.Key, script, jobsFile, jobs.Select(j => j.Id).ToList()));
        }
        string submitScript = Path.Combine(folder, "submit.sh");
        AtomicFile.WriteAllText(submitScript, SlurmScripts.SubmitScript(written.Select(w => (w.Stage, w.Script)).ToList()));
        // Slurm runs on Unix only; the scripts are also run by hand, so they are executable.
        if (!OperatingSystem.IsWindows())
            foreach (var file in written.Select(w => w.Script).Append(submitScript))
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);

        var ids = new Dictionary<int, string>();
        string? failure = null;
        if (!dryRun)
        {
            var result = client.Run("bash", [submitScript], folder);
            foreach (Match m in Regex.Matches(result.Output, @"^stage-(\d+) (\S+)$", RegexOptions.Multiline))
                ids[int.Parse(m.Groups[1].Value)] = m.Groups[2].Value;
            if (!result.Succeeded) failure = $"submitting {submitScript} failed (exit code {result.ExitCode}): {result.Error.Trim()}";
        }
        var submission = new Submission(number, DateTime.UtcNow.ToString("O"), folder, dryRun,
            written.Select(w => new SubmittedStage(w.Stage, w.Script, w.JobsFile, w.Jobs, ids.GetValueOrDefault(w.Stage))).ToList());
        if (dryRun || ids.Count > 0) SlurmLedger.Append(_root, submission);
        if (failure is not null)
            throw new InvalidOperationException(failure + (ids.Count > 0 ? $" Stages {string.Join(", ", ids.Keys)} were submitted and are recorded." : " Nothing was submitted."));
        foreach (var stage in submission.Stages)
            log.WriteLine($"stage {stage.Stage}: {stage.Jobs.Count} job(s), {(dryRun ? "not submitted" : $"Slurm job {stage.SlurmJobId}")}: {stage.Script}");
        return submission;
    }

    /// <summary>
    /// Submits the named jobs again, each alone as the array task it was (sbatch --array=K on its stage's script); what
    /// they wait for must be done. Stages that waited for a failed array were cancelled by Slurm: once these are done,
    /// `clipmem slurm submit` submits the rest.
    /// </summary>
    public Submission Resubmit(IReadOnlyList<string> jobIds)
    {
        if (jobIds.Count == 0) throw new ArgumentException("name the job(s) to resubmit (`clipmem slurm status` lists the failed ones).");
        var plan = ExperimentPlan.Load(_root);
        var ledger = SlurmLedger.Read(_root).Where(s => !s.DryRun).ToList();
        var chosen = new List<(SubmittedStage Stage, int Task, string Job)>();
        foreach (var id in jobIds)
        {
            var job = plan.Job(id);
            if (PlanJobs.IsDone(plan, _root, job)) throw new InvalidOperationException($"job {id} is done; nothing to resubmit.");
            if (job.After.Select(plan.Job).FirstOrDefault(a => !PlanJobs.IsDone(plan, _root, a)) is { } waiting)
                throw new InvalidOperationException($"job {id} waits for {waiting.Id}, which is not done; resubmit that first, or run `clipmem slurm submit` for every unfinished job.");
            var stage = ledger.SelectMany(s => s.Stages).LastOrDefault(s => s.Jobs.Contains(id))
                        ?? throw new InvalidOperationException($"job {id} was never submitted to Slurm; `clipmem slurm submit {_root}` submits it.");
            chosen.Add((stage, stage.Jobs.ToList().IndexOf(id), id));
        }
        var stages = new List<SubmittedStage>();
        foreach (var group in chosen.GroupBy(c => c.Stage))
        {
            var tasks = group.Select(c => c.Task).Order().ToList();
            var result = client.Run("sbatch", ["--parsable", $"--array={string.Join(',', tasks)}", group.Key.Script], Path.GetDirectoryName(group.Key.Script));
            if (!result.Succeeded) throw new InvalidOperationException($"sbatch {group.Key.Script} failed (exit code {result.ExitCode}): {result.Error.Trim()}");
            string slurmId = result.Output.Trim().Split(';')[0];
            stages.Add(group.Key with { SlurmJobId = slurmId, Tasks = tasks });
            log.WriteLine($"resubmitted {string.Join(", ", group.Select(c => c.Job))} as Slurm job {slurmId} (tasks {string.Join(',', tasks)} of {group.Key.Script})");
        }
        var submission = new Submission(SlurmLedger.NextNumber(_root), DateTime.UtcNow.ToString("O"), Path.GetDirectoryName(stages[0].Script)!, false, stages,
            $"resubmission of {string.Join(", ", jobIds)}");
        SlurmLedger.Append(_root, submission);
        return submission;
    }
}
