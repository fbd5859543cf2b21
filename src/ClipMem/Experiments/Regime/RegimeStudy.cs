using System.Globalization;
using System.Text;
using ClipMem.Common;
using ClipMem.Evaluation;
using ClipMem.Training;

namespace ClipMem.Experiments.Regime;

/// <summary>
/// What one regime point measured. The gaps are normalised on the clean-S_C range (the injected mis-captions
/// left out), with 95% bootstrap intervals over samples; the losses are f's last epoch.
/// </summary>
public sealed record RegimeRow(
    string Factor,
    string Setting,
    string RunDirectory,
    double CleanCandidatesMinusShared,
    double CleanCandidatesMinusSharedLow,
    double CleanCandidatesMinusSharedHigh,
    double CandidatesMinusIndependent,
    double CandidatesMinusIndependentLow,
    double CandidatesMinusIndependentHigh,
    double MiscaptionAuroc,
    double? LinearProbe,
    double? LinearProbeRandomInit,
    double TrainLoss,
    double HeldOutLoss,
    double WallSeconds)
{
    public static RegimeRow From(RegimePoint point, ClipMemResult result)
    {
        var rows = result.Rows;
        var clean = rows.Where(r => r.Split == "S_C" && !r.Miscaptioned).Select(r => r.Raw).ToList();
        double range = result.Summary.CleanNormalisationRange;
        List<double> Normalised(IEnumerable<ScoreRow> selected) => selected.Select(r => r.Raw / range).ToList();
        var shared = Normalised(rows.Where(r => r.Split == "S_S"));
        var candidates = Normalised(rows.Where(r => r.Split == "S_C"));
        var independent = Normalised(rows.Where(r => r.Split == "S_I"));
        ulong seed = result.Config.Seed;
        var cleanGap = Statistics.BootstrapDifferenceOfMeans(clean.Select(x => x / range).ToList(), shared, seed);
        var splitGap = Statistics.BootstrapDifferenceOfMeans(candidates, independent, seed);
        var last = TrainingHistory.Read(Path.Combine(result.RunDirectory, "f", "metrics.jsonl"))[^1];
        var s = result.Summary;
        return new RegimeRow(point.Factor, point.Setting, result.RunDirectory, cleanGap.Mean, cleanGap.Low, cleanGap.High,
            splitGap.Mean, splitGap.Low, splitGap.High, s.MiscaptionAuroc, s.LinearProbeAcc, s.LinearProbeAccRandomInit,
            last.Loss, last["heldout_loss"], s.WallSeconds);
    }
}

/// <summary>
/// The regime study (`clipmem experiment regime`): every point of a <see cref="RegimeGrid"/> as a full run of
/// its own (each model a job of its own, as in reproduce) under one folder, and one row per point in regime.csv.
/// A finished point is read back, not rerun, and regime.csv is rewritten after every point, so a stopped study
/// resumes where it stopped.
/// </summary>
public sealed class RegimeStudy(RuntimeOptions runtime, string root, TextWriter log)
{
    public const string TableFile = "regime.csv";

    /// <summary>Default folder: runs/regime-&lt;preset&gt;-&lt;dataset&gt;-seed&lt;seed&gt; under the working directory.</summary>
    public static string DefaultPath(ExperimentConfig baseline) =>
        Path.Combine("runs", $"regime-{baseline.Preset}-{baseline.Data.Dataset}-seed{baseline.Seed}");

    public Action<TrainingProgress>? Progress { get; init; }

    public IReadOnlyList<RegimeRow> Run(IReadOnlyList<RegimePoint> points)
    {
        Directory.CreateDirectory(root);
        var rows = new List<RegimeRow>();
        foreach (var (point, k) in points.Select((p, k) => (p, k)))
        {
            log.WriteLine($"regime point {k + 1}/{points.Count}: {point.Factor} = {point.Setting}");
            var result = ClipMemRuns.OpenOrRun(point.Config, runtime, Path.Combine(root, point.Name), log, Progress);
            rows.Add(RegimeRow.From(point, result));
            WriteCsv(Path.Combine(root, TableFile), rows);
        }
        return rows;
    }

    public static readonly string[] Columns =
    [
        "factor", "setting", "run_directory", "clean_sc_minus_ss", "clean_sc_minus_ss_low", "clean_sc_minus_ss_high",
        "sc_minus_si", "sc_minus_si_low", "sc_minus_si_high", "miscaption_auroc", "linear_probe", "linear_probe_random_init",
        "train_loss", "heldout_loss", "wall_seconds",
    ];

    public static void WriteCsv(string path, IEnumerable<RegimeRow> rows)
    {
        static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        var csv = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var r in rows)
            csv.AppendJoin(',', new[]
            {
                r.Factor, r.Setting, ScoreTable.Quote(r.RunDirectory), F(r.CleanCandidatesMinusShared), F(r.CleanCandidatesMinusSharedLow),
                F(r.CleanCandidatesMinusSharedHigh), F(r.CandidatesMinusIndependent), F(r.CandidatesMinusIndependentLow), F(r.CandidatesMinusIndependentHigh),
                F(r.MiscaptionAuroc), F(r.LinearProbe), F(r.LinearProbeRandomInit), F(r.TrainLoss), F(r.HeldOutLoss), F(r.WallSeconds),
            }).Append('\n');
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
