using ClipMem.Training;

namespace ClipMem.Experiments.Mitigations;

/// <summary>What one mitigation experiment measured: every setting at every seed, and each setting over its seeds.</summary>
public sealed record MitigationStudyResult(string Experiment, string Root, IReadOnlyList<MitigationRow> Runs, IReadOnlyList<MitigationSummaryRow> Summary);

/// <summary>
/// `clipmem experiment captions|noise` (PAPER.md findings 6 and 7): every setting of a <see cref="MitigationGrid"/> as a
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

    public MitigationStudyResult Run(string experiment, ExperimentConfig baseline, IReadOnlyList<ulong> seeds, string grid = "full")
    {
        if (seeds.Count == 0) throw new ArgumentException("A mitigation study needs at least one seed.");
        var settings = MitigationGrid.For(experiment, baseline, grid);
        foreach (var setting in settings) setting.Config.Validate();
        if (experiment == MitigationGrid.Captions) RequireCaptions(ExperimentData.Build(settings[0].Config with { Seed = seeds[0] }, log), settings.Max(s => (int)s.Value));
        Directory.CreateDirectory(root);
        var rows = new List<MitigationRow>();
        foreach (ulong seed in seeds)
        {
            ClipMemResult? reference = null;
            foreach (var (setting, k) in settings.Select((s, k) => (s, k)))
            {
                log.WriteLine($"{experiment}: seed {seed}, {setting.Label} ({k + 1}/{settings.Count})");
                var result = ClipMemRuns.OpenOrRun(setting.Config with { Seed = seed }, runtime, Path.Combine(root, $"seed-{seed}", setting.Name), log, Progress);
                reference ??= result;
                rows.Add(MitigationRow.From(setting, result, reference));
                Write(rows);
            }
        }
        return new MitigationStudyResult(experiment, root, rows, MitigationSummaryRow.Of(rows));
    }

    /// <summary>
    /// A dataset with fewer captions per image than the sweep asks for would train several settings on the same captions
    /// and report them as different: refused, naming the dataset (rule-based paraphrases for such data are not built).
    /// </summary>
    private static void RequireCaptions(ExperimentData data, int wanted)
    {
        int fewest = data.Pool.Min(s => s.Captions.Count);
        if (fewest < wanted)
            throw new ArgumentException($"{data.Pool.Name}: some images have {fewest} caption(s), and the captions sweep trains on up to {wanted}; " +
                "settings above that would train on the same captions. Use a dataset with that many captions per image (synthetic-scenes, coco).");
    }

    private void Write(IReadOnlyList<MitigationRow> rows)
    {
        RecordTable.Write(root, RunsTable, rows);
        RecordTable.Write(root, SummaryTable, MitigationSummaryRow.Of(rows));
    }
}
