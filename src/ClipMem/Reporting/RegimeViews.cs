using System.Globalization;
using ClipMem.Experiments;
using ClipMem.Experiments.Regime;
using Plotly.NET;
using ClipMem.Training;
using Microsoft.Data.Analysis;

namespace ClipMem.Reporting;

/// <summary>What the regime notebook shows: the study's table, and per factor the memorization gaps and the losses.</summary>
public static class RegimeViews
{
    /// <summary>The points of one factor in the order of their setting, the baseline in its place.</summary>
    public static IReadOnlyList<(string Setting, RegimeRow Row)> Along(IReadOnlyList<RegimeRow> rows, string factor, ExperimentConfig baseline)
    {
        var baselineRow = rows.Single(r => r.Factor == RegimeGrid.Baseline);
        var points = rows.Where(r => r.Factor == factor).Select(r => (r.Setting, Row: r))
            .Append((Setting: RegimeGrid.SettingOf(factor, baseline), Row: baselineRow)).ToList();
        return points.OrderBy(p => Numeric(p.Setting)).ThenBy(p => p.Setting, StringComparer.Ordinal).ToList();
    }

    /// <summary>For every factor of the study after the baseline, in the grid's order: its gaps chart, then its loss chart.</summary>
    public static IEnumerable<GenericChart> FactorCharts(IReadOnlyList<RegimeRow> rows, ExperimentConfig baseline) =>
        rows.Select(r => r.Factor).Where(f => f != RegimeGrid.Baseline).Distinct()
            .SelectMany(factor => new[] { GapsChart(rows, factor, baseline), LossChart(rows, factor, baseline) });

    /// <summary>Clean S_C - S_S and S_C - S_I along one factor, with their 95% intervals.</summary>
    public static GenericChart GapsChart(IReadOnlyList<RegimeRow> rows, string factor, ExperimentConfig baseline)
    {
        var points = Along(rows, factor, baseline);
        var x = points.Select(p => p.Setting).ToList();
        return Charts.CategoryFigure($"Memorization along {factor} (normalised on the clean-S_C range; 95% CIs)", factor, "gap in mean CLIPMem",
            [
                Charts.Bars("clean S_C - S_S", x, points.Select(p => p.Row.CleanCandidatesMinusShared),
                    points.Select(p => p.Row.CleanCandidatesMinusShared - p.Row.CleanCandidatesMinusSharedLow),
                    points.Select(p => p.Row.CleanCandidatesMinusSharedHigh - p.Row.CleanCandidatesMinusShared)),
                Charts.Bars("S_C - S_I", x, points.Select(p => p.Row.CandidatesMinusIndependent),
                    points.Select(p => p.Row.CandidatesMinusIndependent - p.Row.CandidatesMinusIndependentLow),
                    points.Select(p => p.Row.CandidatesMinusIndependentHigh - p.Row.CandidatesMinusIndependent)),
            ])
            .WithHorizontalLine(StudyReference.SplitMeans["S_C"] - StudyReference.SplitMeans["S_I"], "study S_C - S_I (follow-up)");
    }

    /// <summary>
    /// f's training and held-out (S_E) loss per epoch at each setting of one factor (solid: training, dashed:
    /// held-out, one colour per setting): where the two part, f fits its own pairs better than unseen ones, beside
    /// the memorization gaps of <see cref="GapsChart"/>. Read from each point's f/metrics.jsonl.
    /// </summary>
    public static GenericChart LossChart(IReadOnlyList<RegimeRow> rows, string factor, ExperimentConfig baseline)
    {
        var points = Along(rows, factor, baseline);
        var traces = new List<GenericChart>();
        foreach (var ((setting, row), k) in points.Select((p, k) => (p, k)))
        {
            var epochs = TrainingHistory.Read(Path.Combine(row.RunDirectory, "f", "metrics.jsonl"));
            var x = epochs.Select(e => (double)e.Epoch).ToList();
            string colour = SettingColours[k % SettingColours.Count];
            traces.Add(Charts.Line($"{setting}: training", x, epochs.Select(e => e.Loss), colour));
            traces.Add(Charts.Line($"{setting}: held-out (S_E)", x, epochs.Select(e => e["heldout_loss"]), colour, dashed: true));
        }
        return Charts.Figure($"Training and held-out loss per epoch along {factor} (f)", "epoch", "contrastive loss", traces);
    }

    private static readonly IReadOnlyList<string> SettingColours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    /// <summary>regime.csv as a table to read: one row per point.</summary>
    public static DataFrame Table(IReadOnlyList<RegimeRow> rows) => TableViews.TextFrame(ColumnNames, rows.Select(Cells).ToList());

    /// <summary>The same table for the CLI: every cell text, aligned (`clipmem experiment regime`).</summary>
    public static ReportTable TextTable(IReadOnlyList<RegimeRow> rows) => TableViews.TextTable(ColumnNames, rows.Select(Cells).ToList());

    /// <summary>The columns of the table (the notebook's and `clipmem experiment regime`'s).</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
        ["factor", "setting", "clean S_C - S_S [95% CI]", "S_C - S_I [95% CI]", "AUROC", "probe (random init)", "loss train / held-out", "wall"];

    /// <summary>One point as the table's cells.</summary>
    public static string[] Cells(RegimeRow r)
    {
        static string N(double v) => Common.SignedNumber.Format(v);
        static string P(double? v) => Common.Percentage.Format(v);
        var invariant = CultureInfo.InvariantCulture;
        return
        [
            r.Factor, r.Setting,
            $"{N(r.CleanCandidatesMinusShared)} [{N(r.CleanCandidatesMinusSharedLow)}, {N(r.CleanCandidatesMinusSharedHigh)}]",
            $"{N(r.CandidatesMinusIndependent)} [{N(r.CandidatesMinusIndependentLow)}, {N(r.CandidatesMinusIndependentHigh)}]",
            r.MiscaptionAuroc.ToString("F3", invariant),
            $"{P(r.LinearProbe)} ({P(r.LinearProbeRandomInit)})",
            string.Create(invariant, $"{r.TrainLoss:F3} / {r.HeldOutLoss:F3}"),
            string.Create(invariant, $"{r.WallSeconds:F0} s"),
        ];
    }

    private static double Numeric(string setting) =>
        double.TryParse(setting.Replace("crop", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.MaxValue;
}
