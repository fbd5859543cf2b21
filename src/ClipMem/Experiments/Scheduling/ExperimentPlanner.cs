using ClipMem.Data.Splits;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Regime;

namespace ClipMem.Experiments.Scheduling;

/// <summary>
/// `clipmem plan EXPERIMENT`: writes an experiment's jobs into its folder as <see cref="ExperimentPlan"/>, and the
/// config.json of every run it will fill, so each run directory exists (and refuses a different config) before any
/// job starts. The folders are the ones `clipmem reproduce` and `clipmem experiment ...` use, so a plan's results
/// and a serial run's are read by the same notebooks, and one can finish what the other started.
/// Per run: prepare, then train f and train g, then score, then evaluate. A removal run is derived from its
/// evaluated baseline (derive, which also prepares it), then trains f only (its g is the baseline's). A study ends
/// with summarize, which writes its tables from the finished runs.
/// </summary>
public static class ExperimentPlanner
{
    public const string Reproduce = "reproduce", RegimeStudyName = "regime";

    public static IReadOnlyList<string> Experiments { get; } = [Reproduce, MitigationGrid.TextVsImage, MitigationGrid.Captions, MitigationGrid.Noise, MitigationGrid.Removal, RegimeStudyName];

    /// <summary>The experiment's default folder, as its serial command names it.</summary>
    public static string DefaultRoot(string experiment, ExperimentConfig baseline, string grid) => experiment switch
    {
        Reproduce => RunDirectory.DefaultPath(baseline),
        RegimeStudyName => RegimeStudy.DefaultPath(baseline),
        _ => MitigationStudy.DefaultPath(experiment, baseline, grid),
    };

    /// <summary>
    /// Plans the experiment and writes it: plan.json (a folder holding another plan is refused before anything is written)
    /// and the config.json of every run it plans (a run directory of another config is refused).
    /// </summary>
    public static ExperimentPlan Write(string experiment, ExperimentConfig baseline, PlanRuntime runtime, string root, string grid = "quick",
        int seedCount = 1, IReadOnlyList<string>? factors = null, TextWriter? log = null)
    {
        log ??= TextWriter.Null;
        runtime.Validate();
        if (!Experiments.Contains(experiment))
            throw new ArgumentException($"experiment '{experiment}': allowed values are {string.Join(", ", Experiments)}.");
        if (seedCount < 1) throw new ArgumentException($"--seeds {seedCount}: allowed values are 1 or more.");
        if (experiment is Reproduce or RegimeStudyName && seedCount != 1)
            throw new ArgumentException($"{experiment} runs one seed (--seed); --seeds {seedCount} applies to the mitigation sweeps.");
        baseline.Validate();
        var seeds = MitigationStudy.Seeds(baseline, seedCount);
        var builder = new Builder();
        switch (experiment)
        {
            case Reproduce:
                builder.Run(".", baseline);
                break;
            case RegimeStudyName:
                var points = RegimeGrid.Around(baseline, factors);
                builder.Summarize(points.Select(p => builder.Run(p.Name, p.Config)).ToList());
                break;
            case MitigationGrid.Removal:
                builder.Summarize(seeds.SelectMany(seed => RemovalRuns(builder, baseline, seed, grid, log)).ToList());
                break;
            default:
                var settings = MitigationStudy.Settings(experiment, baseline, grid);
                builder.Summarize(seeds.SelectMany(seed => settings.Select(s => builder.Run(MitigationStudy.SettingFolder(seed, s), s.Config with { Seed = seed }))).ToList());
                break;
        }
        var plan = new ExperimentPlan(experiment, grid, seeds, experiment == RegimeStudyName ? factors?.ToList() : null, runtime,
            System.Text.Json.JsonSerializer.SerializeToNode(baseline, Common.Json.Options)!, builder.Jobs);
        plan.Validate(Path.Combine(root, ExperimentPlan.FileName));
        PlanFile.RefuseOther(plan, root);
        foreach (var (run, config) in builder.Runs) RunDirectory.Open(Path.Combine(root, run), config, new RuntimeOptions(runtime.Device, runtime.Threads));
        plan.Save(root);
        return plan;
    }

    private static IEnumerable<string> RemovalRuns(Builder builder, ExperimentConfig baseline, ulong seed, string grid, TextWriter log)
    {
        var plain = MitigationStudy.RemovalBaseline(baseline) with { Seed = seed };
        string parent = MitigationStudy.BaselineFolder(seed);
        string parentDone = builder.Run(parent, plain);
        yield return parentDone;
        int candidates = ExperimentData.Build(plain, log).Plan.Members(Split.Candidates).Count;
        foreach (var (ranking, count) in MitigationGrid.RemovalSettings(candidates, grid))
            yield return builder.Derived(MitigationStudy.RemovalFolder(seed, ranking, count), new RemovalDerivation(parent, ranking, count), parentDone);
    }

    /// <summary>Collects the jobs in dependency order and writes each run's config.json.</summary>
    private sealed class Builder
    {
        public List<PlannedJob> Jobs { get; } = [];

        /// <summary>The fresh runs and their configs, for their config.json.</summary>
        public List<(string Run, ExperimentConfig Config)> Runs { get; } = [];

        /// <summary>A fresh run's four steps; returns the id of its last (evaluate).</summary>
        public string Run(string run, ExperimentConfig config)
        {
            config.Validate();
            Runs.Add((run, config));
            var prepare = Add(PlannedJob.Step(run, JobKind.Prepare, []));
            var trained = ClipMemExperiment.ModelNames.Select(m => Add(PlannedJob.Step(run, JobKind.Train, [prepare], m))).ToList();
            return Add(PlannedJob.Step(run, JobKind.Evaluate, [Add(PlannedJob.Step(run, JobKind.Score, trained))]));
        }

        /// <summary>A removal run: derived once its parent is evaluated, then f retrained, scored, evaluated.</summary>
        public string Derived(string run, RemovalDerivation derivation, string parentEvaluated)
        {
            var derive = Add(PlannedJob.Step(run, JobKind.Derive, [parentEvaluated]) with { Derive = derivation });
            var trained = Add(PlannedJob.Step(run, JobKind.Train, [derive], "f"));
            return Add(PlannedJob.Step(run, JobKind.Evaluate, [Add(PlannedJob.Step(run, JobKind.Score, [trained]))]));
        }

        public void Summarize(IReadOnlyList<string> evaluated) => Add(new PlannedJob(JobKind.Summarize, JobKind.Summarize, ".", evaluated));

        private string Add(PlannedJob job)
        {
            Jobs.Add(job);
            return job.Id;
        }
    }
}
