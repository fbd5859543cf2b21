using System.CommandLine;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.Scheduling;
using ClipMem.Experiments.Scheduling.Slurm;
using ClipMem.Reporting;

namespace ClipMem.Cli;

/// <summary>`clipmem slurm submit|status|resubmit`: a plan's jobs as Slurm job arrays, one per dependency stage.</summary>
public static class SlurmCommands
{
    public static Command Create(TextWriter output) => new("slurm", "Run a plan (`clipmem plan`) on a Slurm cluster: one job array per dependency stage, chained with afterok.")
    {
        Submit(output), Status(output), Resubmit(output),
    };

    private static Command Submit(TextWriter output)
    {
        var root = PlanCommands.PlanRoot();
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (default: the cluster's)." };
        var account = new Option<string?>("--account") { Description = "Slurm account to charge." };
        var gpus = new Option<int?>("--gpus-per-job") { Description = "GPUs per array task (plan with --device cuda to use them)." };
        var cpus = new Option<int?>("--cpus-per-job") { Description = "CPUs per array task (default: each stage's thread count in the plan: training 1, the rest 2 by default)." };
        var time = new Option<string>("--time") { Description = "Time limit per array task.", DefaultValueFactory = _ => "04:00:00" };
        var memory = new Option<string?>("--mem") { Description = "Memory per array task, as sbatch takes it (e.g. 16G)." };
        var command = new Option<string?>("--clipmem") { Description = "How a compute node starts clipmem (default: this build, `dotnet exec .../ClipMem.Cli.dll`)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write the scripts under slurm/submit-N/ and submit nothing." };
        var force = new Option<bool>("--force") { Description = "Submit even while an earlier submission still has tasks in the queue." };
        var submit = new Command("submit", "Write the Slurm array scripts for the plan's unfinished jobs (slurm/submit-N/: stage-K.sbatch, stage-K.jobs, submit.sh) and submit them.")
        {
            root, partition, account, gpus, cpus, time, memory, command, dryRun, force,
        };
        submit.SetAction(parse =>
        {
            string planRoot = parse.GetValue(root)!;
            var options = new SlurmOptions(parse.GetValue(command) ?? ClipMemCommand.ShellPrefix(), parse.GetValue(cpus), parse.GetValue(time)!,
                parse.GetValue(partition), parse.GetValue(account), parse.GetValue(gpus), parse.GetValue(memory));
            var submission = new SlurmSubmitter(planRoot, new SlurmClient(), output).Submit(options, parse.GetValue(dryRun), parse.GetValue(force));
            output.WriteLine(submission.DryRun
                ? $"wrote {submission.Folder}/submit.sh and its stage scripts; nothing submitted (run `bash {submission.Folder}/submit.sh`, or this command without --dry-run)"
                : $"submitted {submission.Stages.Sum(s => s.Jobs.Count)} jobs in {submission.Stages.Count} arrays; follow with: clipmem slurm status {Path.GetFullPath(planRoot)}");
            return CliApp.ExitOk;
        });
        return submit;
    }

    private static Command Status(TextWriter output)
    {
        var root = PlanCommands.PlanRoot();
        var all = new Option<bool>("--all") { Description = "List every job, not only the unfinished ones." };
        var status = new Command("status", "Each job's state from the run directory beside its Slurm task's state (squeue, and sacct where the cluster keeps accounting).") { root, all };
        status.SetAction(parse =>
        {
            string planRoot = Path.GetFullPath(parse.GetValue(root)!);
            var (jobs, note) = SlurmStatus.Of(planRoot, new SlurmClient());
            var shown = parse.GetValue(all) ? jobs : jobs.Where(j => j.Plan.State != PlanStatus.Done).ToList();
            output.Write(ReportTable.Labelled(["job", "stage", "state", "slurm task", "slurm state", "reason"],
                shown.Select(j => new[]
                {
                    new Cell(j.Plan.Job.Id), new Cell(j.Plan.Stage.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Cell(j.Plan.State),
                    new Cell(j.SlurmTask ?? "not submitted"), new Cell(j.SlurmState ?? ""), new Cell(j.Reason ?? ""),
                }), 1, 2, 3, 4, 5).ToText(indent: ""));
            output.WriteLine($"{jobs.Count} jobs: {PlanStatus.Counts(jobs.Select(j => j.Plan).ToList())}");
            if (note is not null) output.WriteLine(note);
            foreach (var failed in jobs.Where(j => j.Plan.State == PlanStatus.Failed))
                output.WriteLine($"failed: {failed.Plan.Job.Id}: {PlanCommands.FirstLine(failed.Plan.Record?.Error) ?? "its process died"}; resubmit it alone: clipmem slurm resubmit {planRoot} {failed.Plan.Job.Id}");
            return CliApp.ExitOk;
        });
        return status;
    }

    private static Command Resubmit(TextWriter output)
    {
        var root = PlanCommands.PlanRoot();
        var ids = new Argument<string[]>("job-id") { Description = "The job(s) to submit again, each alone as the array task it was.", Arity = ArgumentArity.OneOrMore };
        var resubmit = new Command("resubmit", "Submit failed jobs again, each alone as its array task; then `slurm submit` submits the stages Slurm cancelled after the failure.") { root, ids };
        resubmit.SetAction(parse =>
        {
            string planRoot = Path.GetFullPath(parse.GetValue(root)!);
            new SlurmSubmitter(planRoot, new SlurmClient(), output).Resubmit(parse.GetValue(ids)!);
            output.WriteLine($"once they are done: clipmem slurm submit {planRoot} submits the jobs that waited for them");
            return CliApp.ExitOk;
        });
        return resubmit;
    }
}
