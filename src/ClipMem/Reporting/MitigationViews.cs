using System.Globalization;
using ClipMem.Experiments;
using ClipMem.Experiments.Mitigations;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace ClipMem.Reporting;

/// <summary>
/// What the mitigation notebooks and `clipmem experiment text-vs-image|captions|noise|removal` show: each setting over its
/// seeds, its change from the experiment's baseline beside the study's change (findings 5-8), and the utility-memorization
/// trade-off.
/// </summary>
public static class MitigationViews
{
    private const string Ours = "#1f77b4", Study = "#d62728";

    /// <summary>The study's readings for an experiment as (setting value, mean CLIPMem over S_C, linear probe).</summary>
    public static IReadOnlyList<(double Value, double ClipMem, double LinearProbe)> StudyReadings(string experiment) => experiment switch
    {
        MitigationGrid.TextVsImage => StudyReference.TextVsImage.Select((c, k) => ((double)(k + 1), c.ClipMem, c.LinearProbe)).ToList(),
        MitigationGrid.Captions => StudyReference.CaptionsPerImage.Select(p => ((double)p.Captions, p.ClipMem, p.LinearProbe)).ToList(),
        MitigationGrid.Noise => StudyReference.TextNoise.Select(p => (p.Sigma, p.ClipMem, p.LinearProbe)).ToList(),
        _ => [],
    };

    private static string AxisOf(string experiment) => experiment switch
    {
        MitigationGrid.Captions => "captions per image (training)",
        MitigationGrid.TextVsImage => "case of Table 1",
        _ => "sigma of the text-embedding noise",
    };

    /// <summary>
    /// Mean CLIPMem over S_C, as its change from the experiment's baseline: ours (mean over seeds of the paired change on
    /// the same samples, with its interval over seeds) beside the study's change from its own baseline. The two are on
    /// different scales (ours: the baseline's clean-S_C range on the synthetic world; the study's: COCO, ViT-B/32), so
    /// the chart compares directions and shapes, not sizes.
    /// </summary>
    public static GenericChart MemorizationBesideStudy(MitigationStudyResult result)
    {
        var summary = result.Summary;
        var study = StudyReadings(result.Experiment);
        return Charts.Figure($"{Title(result.Experiment)}: mean CLIPMem over S_C, change from the baseline (different scales)", AxisOf(result.Experiment),
            "change in mean CLIPMem",
            [
                IntervalLine("ours (baseline's clean-S_C range; 95% CI over seeds)", summary, s => s.Value, MemorizationChange, Ours),
                Charts.Line("study (COCO, ViT-B/32; its own scale)", study.Select(p => p.Value), study.Select(p => p.ClipMem - study[0].ClipMem), Study, dashed: true, markers: true),
            ]).WithHorizontalLine(0, "baseline", "#7f7f7f");
    }

    /// <summary>The linear probe's change from the baseline in points, ours (synthetic shapes) beside the study's (ImageNet).</summary>
    public static GenericChart UtilityBesideStudy(MitigationStudyResult result)
    {
        var summary = result.Summary;
        var study = StudyReadings(result.Experiment);
        return Charts.Figure($"{Title(result.Experiment)}: linear probe, change from the baseline (different tasks)", AxisOf(result.Experiment),
            "change in accuracy (points)",
            [
                IntervalLine("ours (9 synthetic shapes; 95% CI over seeds)", summary, s => s.Value, ProbeChangeInPoints, Ours),
                Charts.Line("study (ImageNet)", study.Select(p => p.Value), study.Select(p => 100 * (p.LinearProbe - study[0].LinearProbe)), Study, dashed: true, markers: true),
            ]).WithHorizontalLine(0, "baseline", "#7f7f7f");
    }

    /// <summary>
    /// The trade-off a practitioner picks a setting from (the study's Figures 5 and 6): change in memorization against
    /// change in utility, one point per setting, ours and the study's. Up and to the left is better on both.
    /// </summary>
    public static GenericChart TradeOff(MitigationStudyResult result)
    {
        var summary = result.Summary;
        var study = StudyReadings(result.Experiment);
        return Charts.Figure($"{Title(result.Experiment)}: utility against memorization (up and left is better)",
            "change in mean CLIPMem over S_C from the baseline", "change in linear probe (points)",
            [
                Charts.Points("ours", summary.Select(s => s.CandidatesMinusBaseline), summary.Select(s => 100 * s.LinearProbeMinusBaseline), summary.Select(s => s.Setting), Ours, showLabels: true),
                // The study gives no memorization after removal: its trade-off has no points there.
                .. study.Count == 0 ? [] : new[]
                {
                    Charts.Points("study", study.Select(p => p.ClipMem - study[0].ClipMem), study.Select(p => 100 * (p.LinearProbe - study[0].LinearProbe)),
                        study.Select(p => Label(result.Experiment, p.Value)), Study, showLabels: true),
                },
            ]);
    }

    /// <summary>Every chart of one experiment, in the notebook's order.</summary>
    public static IEnumerable<GenericChart> AllCharts(MitigationStudyResult result) => result.Experiment switch
    {
        MitigationGrid.Removal => [RemovalUtilityBesideStudy(result), RemovalMemorization(result), TradeOff(result)],
        MitigationGrid.TextVsImage => [CasesBesideStudy(result, memorization: true), CasesBesideStudy(result, memorization: false), TradeOff(result)],
        _ => [MemorizationBesideStudy(result), UtilityBesideStudy(result), TradeOff(result)],
    };

    /// <summary>
    /// Table 1 (finding 5) as bars, one per case: ours (mean over seeds of the paired change from "1 image, 1 caption", with
    /// its 95% interval over seeds) and the study's change as a marker, in mean CLIPMem over S_C or in probe points. The
    /// study finds every case below its baseline, and five captions lower memorization more than five generated images.
    /// </summary>
    public static GenericChart CasesBesideStudy(MitigationStudyResult result, bool memorization)
    {
        var summary = result.Summary;
        var study = StudyReadings(MitigationGrid.TextVsImage);
        // Short names, so the five fit under their bars: "1 real / 1 cap", "5 gen / 5 cap".
        var cases = summary.Select(s => StudyReference.TextVsImage[(int)s.Value - 1])
            .Select(c => $"{c.Images} {(c.Generated ? "gen" : "real")} / {c.Captions} cap").ToList();
        Func<MitigationSummaryRow, (double Mean, double Low, double High)> change = memorization ? MemorizationChange : ProbeChangeInPoints;
        var ours = summary.Select(change).ToList();
        var theirs = summary.Select(s => study.First(p => p.Value == s.Value))
            .Select(p => memorization ? p.ClipMem - study[0].ClipMem : 100 * (p.LinearProbe - study[0].LinearProbe));
        string what = memorization ? "mean CLIPMem over S_C" : "linear probe";
        return Charts.CategoryFigure($"Text against image (Table 1): {what}, change from 1 image, 1 caption (different {(memorization ? "scales" : "tasks")})",
            "what training sees: images (real or generated) / captions", memorization ? "change in mean CLIPMem" : "change in accuracy (points)",
            [
                Charts.Bars(memorization ? "ours (baseline's clean-S_C range; 95% CI over seeds)" : "ours (9 synthetic shapes; 95% CI over seeds)", cases,
                    ours.Select(v => v.Mean), ours.Select(v => v.Mean - Finite(v.Low, v.Mean)), ours.Select(v => Finite(v.High, v.Mean) - v.Mean)),
                Charts.Markers(memorization ? "study (COCO, ViT-B/32; its own scale)" : "study (ImageNet)", cases, theirs, Study),
            ]).WithHorizontalLine(0, "baseline", "#7f7f7f");
    }

    /// <summary>
    /// Removal (finding 8): the linear probe's change after removing a share of S_C and retraining f, one line per ranking,
    /// ours (solid, 95% CI over seeds) beside the study's (dashed). The x axis is the share of S_C removed, so the study's
    /// 50..3200 of 5,000 and our counts sit on one axis.
    /// </summary>
    public static GenericChart RemovalUtilityBesideStudy(MitigationStudyResult result)
    {
        int candidates = CandidatesOf(result);
        var traces = new List<GenericChart>();
        foreach (var (series, k) in RemovalSeries.Select((s, k) => (s, k)))
        {
            var points = Along(result, series);
            string colour = RankingColours[k];
            traces.Add(IntervalLine($"ours: {series} (95% CI over seeds)", points, p => p.Value / candidates, ProbeChangeInPoints, colour));
            var study = StudyReference.Removal.Select(r => (Share: (double)r.Removed / StudyReference.RemovalCandidates, Probe: StudyProbe(r, series))).ToList();
            traces.Add(Charts.Line($"study: {series} (COCO, ImageNet probe)", study.Select(p => p.Share), study.Select(p => 100 * (p.Probe - study[0].Probe)), colour, dashed: true, markers: true));
        }
        return Charts.Figure("Removal: linear probe after retraining f, change from the baseline (different tasks)", "share of S_C removed", "change in accuracy (points)", traces)
            .WithHorizontalLine(0, "baseline", "#7f7f7f");
    }

    /// <summary>Removal: mean CLIPMem over all of S_C (removed samples included, now unseen by f) after retraining, per ranking.</summary>
    public static GenericChart RemovalMemorization(MitigationStudyResult result)
    {
        int candidates = CandidatesOf(result);
        var traces = RemovalSeries.Select((series, k) =>
        {
            var points = Along(result, series);
            return Charts.Line($"ours: {series}", points.Select(p => p.Value / candidates), points.Select(p => p.CandidatesMinusBaseline), RankingColours[k], markers: true);
        });
        return Charts.Figure("Removal: mean CLIPMem over S_C after retraining f, change from the baseline", "share of S_C removed", "change in mean CLIPMem", traces)
            .WithHorizontalLine(0, "baseline", "#7f7f7f");
    }

    private static readonly string[] RemovalSeries = [.. Enum.GetValues<Experiments.Derivation.RemovalRanking>().Select(MitigationGrid.NameOf)];
    private static readonly string[] RankingColours = ["#1f77b4", "#ff7f0e", "#7f7f7f"];

    /// <summary>A ranking's points with the baseline (nothing removed) first.</summary>
    private static List<MitigationSummaryRow> Along(MitigationStudyResult result, string series) =>
        [.. result.Summary.Where(s => s.Value == 0).Take(1), .. result.Summary.Where(s => s.Series == series).OrderBy(s => s.Value)];

    private static int CandidatesOf(MitigationStudyResult result) => result.Runs[0].CandidateCount;

    private static double StudyProbe((int Removed, double Clipmem, double LowestSimilarity, double Random) reading, string series) => series switch
    {
        "clipmem" => reading.Clipmem,
        "lowest-similarity" => reading.LowestSimilarity,
        _ => reading.Random,
    };

    /// <summary>mitigation_summary as a table to read.</summary>
    public static DataFrame Table(IReadOnlyList<MitigationSummaryRow> rows) => TableViews.TextFrame(ColumnNames, rows.Select(Cells).ToList());

    /// <summary>The same table for the CLI.</summary>
    public static ReportTable TextTable(IReadOnlyList<MitigationSummaryRow> rows) => TableViews.TextTable(ColumnNames, rows.Select(Cells).ToList());

    public static IReadOnlyList<string> ColumnNames { get; } =
    [
        "setting", "seeds", "S_C mean (seed sd)", "S_C - baseline [95% CI over seeds]", "probe (seed sd)", "probe - baseline [95% CI]",
        "R@1", "AUROC", "sigma / RMS",
    ];

    public static string[] Cells(MitigationSummaryRow r)
    {
        static string N(double v) => double.IsFinite(v) ? Common.SignedNumber.Format(v) : "n/a";
        static string P(double v) => double.IsFinite(v) ? Common.Percentage.Format(v) : "n/a";
        static string Points(double v) => double.IsFinite(v) ? (100 * v).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) : "n/a";
        var invariant = CultureInfo.InvariantCulture;
        return
        [
            r.Setting, r.Seeds.ToString(invariant),
            $"{N(r.CandidatesMean)} ({(double.IsFinite(r.CandidatesSeedSd) ? r.CandidatesSeedSd.ToString("F3", invariant) : "n/a")})",
            $"{N(r.CandidatesMinusBaseline)} [{N(r.CandidatesMinusBaselineLow)}, {N(r.CandidatesMinusBaselineHigh)}]",
            $"{P(r.LinearProbe)} ({(double.IsFinite(r.LinearProbeSeedSd) ? (100 * r.LinearProbeSeedSd).ToString("F1", invariant) : "n/a")})",
            $"{Points(r.LinearProbeMinusBaseline)} [{Points(r.LinearProbeMinusBaselineLow)}, {Points(r.LinearProbeMinusBaselineHigh)}]",
            P(r.RetrievalR1), r.MiscaptionAuroc.ToString("F3", invariant),
            r.SigmaRelative == 0 ? "0" : r.SigmaRelative.ToString("F3", invariant),
        ];
    }

    private static string Title(string experiment) => experiment switch
    {
        MitigationGrid.Captions => "Captions per image",
        MitigationGrid.TextVsImage => "Text against image",
        MitigationGrid.Removal => "Removal",
        _ => "Text-embedding noise",
    };

    private static string Label(string experiment, double value) => experiment switch
    {
        MitigationGrid.Captions => $"{value:0} captions",
        MitigationGrid.TextVsImage => CaseLabel((int)value),
        _ => string.Create(CultureInfo.InvariantCulture, $"sigma {value:0.00}"),
    };

    /// <summary>Case <paramref name="number"/> (1-based) of Table 1 by its name.</summary>
    private static string CaseLabel(int number)
    {
        var c = StudyReference.TextVsImage[number - 1];
        return MitigationGrid.TextVsImageLabel(c.Images, c.Generated, c.Captions);
    }

    private static (double Mean, double Low, double High) MemorizationChange(MitigationSummaryRow s) =>
        (s.CandidatesMinusBaseline, s.CandidatesMinusBaselineLow, s.CandidatesMinusBaselineHigh);

    private static (double Mean, double Low, double High) ProbeChangeInPoints(MitigationSummaryRow s) =>
        (100 * s.LinearProbeMinusBaseline, 100 * s.LinearProbeMinusBaselineLow, 100 * s.LinearProbeMinusBaselineHigh);

    /// <summary>A line of per-setting means with their interval as error bars; a bound that is n/a (one seed) draws no bar.</summary>
    private static GenericChart IntervalLine(string name, IReadOnlyList<MitigationSummaryRow> points, Func<MitigationSummaryRow, double> x,
        Func<MitigationSummaryRow, (double Mean, double Low, double High)> value, string colour)
    {
        var values = points.Select(value).ToList();
        return Charts.Line(name, points.Select(x), values.Select(v => v.Mean), colour, markers: true)
            .WithErrorBars(values.Select(v => v.Mean - Finite(v.Low, v.Mean)), values.Select(v => Finite(v.High, v.Mean) - v.Mean));
    }

    private static double Finite(double value, double fallback) => double.IsFinite(value) ? value : fallback;
}
