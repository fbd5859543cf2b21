using ClipMem.Experiments.Derivation;
using ClipMem.Training;

namespace ClipMem.Experiments.Mitigations;

/// <summary>What one mitigation experiment measured: every setting at every seed, and each setting over its seeds.</summary>
public sealed record MitigationStudyResult(string Experiment, string Root, IReadOnlyList<MitigationRow> Runs, IReadOnlyList<MitigationSummaryRow> Summary);

/// <summary>
/// `clipmem experiment captions|noise|removal` (PAPER.md findings 6, 7 and 8): every setting of a <see cref="MitigationGrid"/> as a
/// full run of its own (f and g each a job of its own) per seed under one folder, root/seed-N/SETTING, compared with the
/// experiment's baseline at the same seed. mitigation_runs and mitigation_summary (.csv and .parquet) are rewritten after
/// every run, and a finished run is read back, so a stopped study resumes where it stopped.
/// </summary>
public sealed class MitigationStudy(RuntimeOptions runtime, string root, TextWriter log)
{
    public const string RunsTable = "mitigation_runs", SummaryTable = "mitigation_summary";

    public static string DefaultPath(string experiment, ExperimentConfig baseline, string grid) =>
        Path.Combine("runs", $"mitigation-{experiment}-{grid}-{baseline.Preset}-{baseline.Data.Dataset}");

    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Where finished runs of the same config are taken from instead of training again (<see cref="SharedRuns"/>): this study and its sibling studies.</summary>
    public IReadOnlyList<string> ShareWith { get; init; } = SharedRuns.SearchRootsFor(root);

    /// <summary>The seeds of a study of <paramref name="count"/> seeds: the baseline's seed and the ones after it.</summary>
    public static IReadOnlyList<ulong> Seeds(ExperimentConfig baseline, int count) => Enumerable.Range(0, count).Select(s => baseline.Seed + (ulong)s).ToList();

    /// <summary>A setting's run at a seed, relative to the study's folder: seed-N/SETTING.</summary>
    public static string SettingFolder(ulong seed, MitigationSetting setting) => $"seed-{seed}/{setting.Name}";

    /// <summary>The removal sweep's baseline at a seed, relative to the study's folder.</summary>
    public static string BaselineFolder(ulong seed) => $"seed-{seed}/baseline";

    /// <summary>A removal run at a seed, relative to the study's folder: seed-N/removal-RANKING-COUNT.</summary>
    public static string RemovalFolder(ulong seed, Derivation.RemovalRanking ranking, int count) => $"seed-{seed}/removal-{MitigationGrid.NameOf(ranking)}-{count}";

    /// <summary>The settings of a sweep, each checked before anything trains.</summary>
    public static IReadOnlyList<MitigationSetting> Settings(string experiment, ExperimentConfig baseline, string grid)
    {
        var settings = MitigationGrid.For(experiment, baseline, grid);
        foreach (var setting in settings) setting.Config.Validate();
        return settings;
    }

    /// <summary>The removal sweep's baseline: the config without mitigations.</summary>
    public static ExperimentConfig RemovalBaseline(ExperimentConfig baseline)
    {
        var plain = baseline with { Mitigations = [] };
        plain.Validate();
        return plain;
    }

    public MitigationStudyResult Run(string experiment, ExperimentConfig baseline, IReadOnlyList<ulong> seeds, string grid = "full")
    {
        if (experiment == MitigationGrid.Removal) return RunRemoval(baseline, seeds, grid);
        if (seeds.Count == 0) throw new ArgumentException("A mitigation study needs at least one seed.");
        var settings = Settings(experiment, baseline, grid);
        Directory.CreateDirectory(root);
        var rows = new List<MitigationRow>();
        foreach (ulong seed in seeds)
        {
            ClipMemResult? reference = null;
            foreach (var (setting, k) in settings.Select((s, k) => (s, k)))
            {
                log.WriteLine($"{experiment}: seed {seed}, {setting.Label} ({k + 1}/{settings.Count})");
                var result = OpenSharedOrRun(setting.Config with { Seed = seed }, Path.Combine(root, SettingFolder(seed, setting)));
                reference ??= result;
                rows.Add(MitigationRow.From(setting, result, reference));
                Write(rows);
            }
        }
        return new MitigationStudyResult(experiment, root, rows, MitigationSummaryRow.Of(rows));
    }

    /// <summary>
    /// The removal sweep (finding 8): per seed, the baseline run, then for each ranking and count a derived run that removes
    /// those S_C samples and retrains f from scratch (g, splits and tokenizer are the baseline's), root/seed-N/removal-RANKING-COUNT.
    /// Memorization is still scored on all of S_C, removed samples included, on the baseline's range.
    /// </summary>
    public MitigationStudyResult RunRemoval(ExperimentConfig baseline, IReadOnlyList<ulong> seeds, string grid = "full")
    {
        if (seeds.Count == 0) throw new ArgumentException("A mitigation study needs at least one seed.");
        var plain = RemovalBaseline(baseline);
        Directory.CreateDirectory(root);
        var rows = new List<MitigationRow>();
        foreach (ulong seed in seeds)
        {
            log.WriteLine($"removal: seed {seed}, baseline");
            var parent = OpenSharedOrRun(plain with { Seed = seed }, Path.Combine(root, BaselineFolder(seed)));
            rows.Add(MitigationRow.From(new MitigationSetting(MitigationGrid.Removal, "none", 0, parent.Config, "none"), parent, parent));
            var settings = MitigationGrid.RemovalSettings(parent.Rows.Count(r => r.Split == "S_C"), grid);
            foreach (var ((ranking, count), k) in settings.Select((s, k) => (s, k)))
            {
                string name = MitigationGrid.NameOf(ranking);
                log.WriteLine($"removal: seed {seed}, {name} {count} ({k + 1}/{settings.Count})");
                var (run, config) = DerivedRuns.CreateRemoval(parent, ranking, count, runtime, Path.Combine(root, RemovalFolder(seed, ranking, count)));
                var result = ClipMemRuns.IsComplete(run.Root) ? ClipMemRuns.Open(run.Root, log) : new ClipMemExperiment(config, runtime, run, log) { Progress = Progress }.Run();
                rows.Add(MitigationRow.From(new MitigationSetting(MitigationGrid.Removal, $"{name} {count}", count, config, name), result, parent));
                Write(rows);
            }
        }
        return new MitigationStudyResult(MitigationGrid.Removal, root, rows, MitigationSummaryRow.Of(rows));
    }

    /// <summary>The run of <paramref name="config"/>: its own folder when finished, else a finished one of the same config elsewhere, else trained in its own folder.</summary>
    private ClipMemResult OpenSharedOrRun(ExperimentConfig config, string folder)
    {
        if (!ClipMemRuns.IsComplete(folder) && SharedRuns.FindComplete(config.Hash(), ShareWith) is { } shared)
        {
            log.WriteLine($"  the same run is finished in {shared}: read, not trained again");
            return ClipMemRuns.Open(shared, log);
        }
        return ClipMemRuns.OpenOrRun(config, runtime, folder, log, Progress);
    }

    private void Write(IReadOnlyList<MitigationRow> rows)
    {
        RecordTable.Write(root, RunsTable, rows);
        RecordTable.Write(root, SummaryTable, MitigationSummaryRow.Of(rows));
    }
}
