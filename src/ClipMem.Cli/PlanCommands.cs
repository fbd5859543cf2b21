using System.CommandLine;
using System.Globalization;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Scheduling;
using ClipMem.Reporting;

namespace ClipMem.Cli;

/// <summary>
/// An experiment as a list of jobs: `plan` writes it, `run-job` runs one job, `run-plan` runs them all here, `status`
/// shows each job's state. `clipmem slurm` submits the same jobs to a cluster.
/// </summary>
public static class PlanCommands
{
    public static IEnumerable<Command> Create(TextWriter output)
    {
        yield return Plan(output);
        yield return RunJob(output);
        yield return RunPlan(output);
        yield return Status(output);
    }

    private static Command Plan(TextWriter output)
    {
        var options = new ExperimentOptions();
        var experiment = new Argument<string>("experiment") { Description = $"What to plan: {string.Join(", ", ExperimentPlanner.Experiments)}." };
        experiment.AcceptOnlyFromAmong([.. ExperimentPlanner.Experiments]);
        var grid = new Option<string>("--grid") { Description = "Mitigation sweeps: quick or full.", DefaultValueFactory = _ => "quick" };
        grid.AcceptOnlyFromAmong([.. MitigationGrid.Grids]);
        var seeds = new Option<int>("--seeds") { Description = "Mitigation sweeps: how many seeds, from --seed on.", DefaultValueFactory = _ => 3 };
        var factors = new Option<string[]>("--factors") { Description = "Regime study: the factors to vary (default: all).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("plan",
            "Write an experiment's jobs (prepare, train f, train g, score, evaluate per run; derive for removal runs; summarize for a study) with their " +
            "dependencies into plan.json in its folder, and each run's config.json. Run them with run-job, run-plan or slurm submit.")
        {
            experiment, grid, seeds, factors,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (baseline, runtime, _) = options.Read(parse);
            string name = parse.GetValue(experiment)!, gridName = parse.GetValue(grid)!;
            bool study = name is not ExperimentPlanner.Reproduce and not ExperimentPlanner.RegimeStudyName;
            string root = Path.GetFullPath(parse.GetValue(options.Out) ?? ExperimentPlanner.DefaultRoot(name, baseline, gridName));
            var chosen = parse.GetValue(factors) is { Length: > 0 } given ? given.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList() : null;
            // The plan's jobs train as reproduce trains: f and g each on half the threads unless --sequential.
            var planRuntime = new PlanRuntime(runtime.Device, runtime.ConcurrentModels ? Math.Max(1, runtime.Threads / 2) : runtime.Threads, runtime.Threads);
            var plan = ExperimentPlanner.Write(name, baseline, planRuntime, root, gridName, study ? parse.GetValue(seeds) : 1, chosen, output);
            var stages = plan.ByStage();
            output.WriteLine($"planned {name}: {plan.Jobs.Count} jobs in {stages.Count} stages under {root}");
            foreach (var (stage, k) in stages.Select((s, k) => (s, k)))
                output.WriteLine($"  stage {k}: {stage.Count} x {string.Join(", ", stage.Select(j => j.Kind).Distinct())}");
            output.WriteLine($"next: clipmem run-plan {root}, or clipmem slurm submit {root}, or one job: clipmem run-job {root} {plan.Jobs[0].Id}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command RunJob(TextWriter output)
    {
        var root = PlanRoot();
        var id = new Argument<string>("job-id") { Description = "The job's id, as plan.json and `clipmem status` name it." };
        var command = new Command("run-job", "Run one job of a plan, in this process: a no-op when it is done, a resume when it is half done; it waits for another process running the same job.")
        {
            root, id,
        };
        command.SetAction(parse =>
        {
            PlanJobs.Run(parse.GetValue(root)!, parse.GetValue(id)!, output, p => output.WriteLine(Experiments.Jobs.ProgressLine.Format(p)));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command RunPlan(TextWriter output)
    {
        var root = PlanRoot();
        var parallel = new Option<int>("--parallel") { Description = "Jobs at once (each a process with the plan's thread count).", DefaultValueFactory = _ => 1 };
        var command = new Command("run-plan", "Run a plan's unfinished jobs here, stage by stage, each in a process of its own.") { root, parallel };
        command.SetAction(parse =>
        {
            var bar = new ProgressBar(output);
            new PlanRunner(parse.GetValue(root)!, output) { Progress = bar.Report }.Run(parse.GetValue(parallel));
            bar.Finish();
            output.WriteLine(PlanStatus.Counts(PlanStatus.Of(parse.GetValue(root)!, ExperimentPlan.Load(parse.GetValue(root)!))));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Status(TextWriter output)
    {
        var root = PlanRoot();
        var all = new Option<bool>("--all") { Description = "List every job, not only the unfinished ones." };
        var command = new Command("status", "Each job of a plan: done, running, failed, ready or waiting, with its last attempt.") { root, all };
        command.SetAction(parse =>
        {
            string planRoot = Path.GetFullPath(parse.GetValue(root)!);
            var jobs = PlanStatus.Of(planRoot, ExperimentPlan.Load(planRoot));
            var shown = parse.GetValue(all) ? jobs : jobs.Where(j => j.State != PlanStatus.Done).ToList();
            output.Write(StatusTable(shown).ToText(indent: ""));
            output.WriteLine($"{jobs.Count} jobs: {PlanStatus.Counts(jobs)}");
            foreach (var failed in jobs.Where(j => j.State == PlanStatus.Failed))
                output.WriteLine($"failed: {failed.Job.Id}: {FirstLine(failed.Record?.Error) ?? "its process died"}; rerun: clipmem run-job {planRoot} {failed.Job.Id}");
            return CliApp.ExitOk;
        });
        return command;
    }

    internal static ReportTable StatusTable(IReadOnlyList<JobStatus> jobs) => ReportTable.Labelled(
        ["job", "stage", "state", "attempts", "seconds", "where"],
        jobs.Select(j => new[]
        {
            new Cell(j.Job.Id), Cell.Number(j.Stage, j.Stage.ToString(CultureInfo.InvariantCulture)), new Cell(j.State),
            Cell.Number(j.Record?.Attempts ?? 0, (j.Record?.Attempts ?? 0).ToString(CultureInfo.InvariantCulture)),
            j.Record?.Seconds is { } s ? Cell.Number(s, s.ToString("F0", CultureInfo.InvariantCulture)) : new Cell(""),
            new Cell(j.Record is { } r ? $"{r.Host} pid {r.Pid}{(r.SlurmJob is null ? "" : $" slurm {r.SlurmJob}")}" : ""),
        }), 2, 5);

    internal static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim();

    internal static Argument<string> PlanRoot() => new("plan-root") { Description = "The experiment's folder, holding plan.json (`clipmem plan` wrote it)." };
}
