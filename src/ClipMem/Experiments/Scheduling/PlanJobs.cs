using ClipMem.Experiments.Derivation;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Regime;
using ClipMem.Training;

namespace ClipMem.Experiments.Scheduling;

/// <summary>
/// `clipmem run-job PLAN_ROOT JOB_ID`: one job of a plan, idempotently. A job whose artefacts are complete is a
/// no-op; a half-finished one resumes (training from its last checkpoint, the other steps from scratch, since they
/// are minutes at most). It holds the job's claim (jobs/ID.lock) while it works, so a second copy of the same job,
/// such as a resubmitted array task, waits for the first and then finds it done; the steps take the run's own claims.
/// </summary>
public static class PlanJobs
{
    /// <summary>How a job ended: done now, or found done already.</summary>
    public enum Outcome { Ran, AlreadyDone }

    public static Outcome Run(string planRoot, string id, TextWriter log, Action<TrainingProgress>? progress = null, TimeSpan? pollEvery = null)
    {
        planRoot = Path.GetFullPath(planRoot);
        var plan = ExperimentPlan.Load(planRoot);
        var job = plan.Job(id);
        foreach (var after in job.After.Select(plan.Job).Where(j => !IsDone(plan, planRoot, j)))
            throw new InvalidOperationException($"job {id} waits for {after.Id}, which is not done: run `clipmem run-job {planRoot} {after.Id}` first (`clipmem status {planRoot}` shows every job).");
        using var claim = RunLock.AcquireWaiting(JobRecord.LockOf(planRoot, id), pollEvery ?? TimeSpan.FromSeconds(2),
            holder => log.WriteLine($"job {id} is being run by {holder}; waiting for it"));
        if (IsDone(plan, planRoot, job))
        {
            log.WriteLine($"job {id}: already done");
            return Outcome.AlreadyDone;
        }
        var record = JobRecord.Start(planRoot, id);
        Common.FaultInjection.JobStarted(id);
        try
        {
            Execute(plan, planRoot, job, log, progress);
        }
        catch (Exception e)
        {
            record.Finish(planRoot, e.Message);
            throw;
        }
        record.Finish(planRoot, null);
        log.WriteLine($"job {id}: done");
        return Outcome.Ran;
    }

    /// <summary>Whether the job's artefacts are complete: what the run directory holds, not what a record says (a run `reproduce` finished counts).</summary>
    public static bool IsDone(ExperimentPlan plan, string planRoot, PlannedJob job)
    {
        string run = plan.RunRoot(planRoot, job);
        bool Has(params string[] files) => files.All(f => File.Exists(Path.Combine(run, f)));
        return job.Kind switch
        {
            JobKind.Prepare => Has("config.json", "splits.csv", "membership_f.txt", "membership_g.txt", "tokenizer.json"),
            JobKind.Derive => Has("config.json", DerivedRuns.LineageFile, DerivedRuns.RemovedFile, "splits.csv", "membership_f.txt", "tokenizer.json"),
            JobKind.Train => TrainingDone(run, job.Model!),
            JobKind.Score => Has("scores.csv", "scores.parquet"),
            JobKind.Evaluate => ClipMemRuns.IsComplete(run),
            // The serial study rewrites its tables after every run, so only this job's own record says they cover them all.
            JobKind.Summarize => JobRecord.Read(planRoot, job.Id)?.State == JobRecord.Done && Has(SummaryTables(plan.Experiment)),
            _ => throw new InvalidOperationException($"job {job.Id}: unknown kind {job.Kind}."),
        };
    }

    private static string[] SummaryTables(string experiment) => experiment == ExperimentPlanner.RegimeStudyName
        ? [RegimeStudy.TableFile]
        : [MitigationStudy.RunsTable + ".csv", MitigationStudy.SummaryTable + ".csv"];

    // The last checkpoint closes the recipe's last epoch (a mid-epoch checkpoint records the epoch it is in).
    private static bool TrainingDone(string run, string model)
    {
        if (!File.Exists(Path.Combine(run, RunDirectory.ConfigFile))) return false;
        var (_, config) = RunDirectory.OpenExisting(run);
        var latest = Checkpoint.Latest(Path.Combine(run, model, "checkpoints"));
        return latest is not null && Checkpoint.ReadState(latest).Epoch >= config.Recipe.Epochs;
    }

    private static void Execute(ExperimentPlan plan, string planRoot, PlannedJob job, TextWriter log, Action<TrainingProgress>? progress)
    {
        string run = plan.RunRoot(planRoot, job);
        var runtime = plan.Runtime.For(job);
        switch (job.Kind)
        {
            case JobKind.Prepare:
                var (directory, config) = RunDirectory.OpenExisting(run);
                RunSteps.Prepare(directory, config, runtime, log);
                break;
            case JobKind.Derive:
                var d = job.Derive ?? throw new InvalidDataException($"{ExperimentPlan.FileName}: derive job {job.Id} names no derivation.");
                var (derived, derivedConfig) = DerivedRuns.CreateRemoval(Path.Combine(planRoot, d.Parent), d.Ranking, d.Count, runtime, run);
                RunSteps.Prepare(derived, derivedConfig, runtime, log);
                break;
            case JobKind.Train:
                RunSteps.Train(run, job.Model!, runtime, log, progress);
                break;
            case JobKind.Score:
                RunSteps.Score(run, runtime, log);
                break;
            case JobKind.Evaluate:
                RunSteps.Evaluate(run, runtime, log);
                break;
            case JobKind.Summarize:
                Summarize(plan, planRoot, runtime, log);
                break;
        }
    }

    // Every run is finished (the job waits for their evaluations), so the studies only read them back.
    private static void Summarize(ExperimentPlan plan, string planRoot, RuntimeOptions runtime, TextWriter log)
    {
        var baseline = plan.BaselineConfig();
        if (plan.Experiment == ExperimentPlanner.RegimeStudyName)
            new RegimeStudy(runtime, planRoot, log).Run(RegimeGrid.Around(baseline, plan.Factors));
        else
            new MitigationStudy(runtime, planRoot, log).Run(plan.Experiment, baseline, plan.Seeds, plan.Grid);
    }
}
