using System.Globalization;
using System.Text;
using ClipMem.Common;
using ClipMem.Data.Splits;
using ClipMem.Evaluation;
using ClipMem.Experiments;

namespace ClipMem.Reporting;

/// <summary>
/// The one view of a run's summary: split means beside the study's, the tests, what gets memorized and
/// utility. The report, the notebook display and the CLI all render it, as HTML or as text.
/// </summary>
public static class SummaryView
{
    public static IReadOnlyList<ReportSection> Sections(ClipMemSummary s) => [Splits(s), Memorized(s), Utility(s)];

    /// <summary>What ran and how long it took: preset, dataset, seed, variant, wall and phase times, the CPU.</summary>
    public static string RunLine(ClipMemSummary s)
    {
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"preset {s.Preset}, dataset {s.Dataset}, seed {s.Seed}, variant {s.AlignmentVariant}; {s.WallSeconds:F0} s wall ({s.TrainSeconds:F0} s training, {s.TrainSamplesPerSecond:F0} samples/s)"));
        if (s.PhaseSeconds is { Count: > 0 } phases) line.Append("; by phase: ").Append(PhaseTimes.Describe(phases, s.WallSeconds));
        if (s.Versions.TryGetValue("cpu", out var cpu)) line.Append("; cpu: ").Append(cpu);
        return line.ToString();
    }

    public static string ToHtml(ClipMemSummary s) =>
        $"<p class=\"note\">{HtmlView.Encode(RunLine(s))}</p>" + string.Concat(Sections(s).Select(section => section.ToHtml()));

    /// <summary>The end-of-run text of the CLI: the sections, the ten most and least memorized S_C samples, where the report is.</summary>
    public static string ToText(ClipMemResult result)
    {
        var s = result.Summary;
        var text = new StringBuilder().AppendLine();
        foreach (var section in Sections(s)) text.Append(section.ToText());
        var candidates = ClipMemViews.Ranked(result);
        text.AppendLine("Most memorized (S_C):");
        foreach (var r in candidates.Take(10)) text.AppendLine(Line(r));
        text.AppendLine("Least memorized (S_C):");
        foreach (var r in candidates.Reverse().Take(10)) text.AppendLine(Line(r));
        text.AppendLine(RunLine(s));
        text.AppendLine($"report: {Path.Combine(result.RunDirectory, "report.html")}");
        return text.ToString();
    }

    private static ReportSection Splits(ClipMemSummary s)
    {
        var table = ReportTable.Labelled(
            ["split", "n", "CLIPMem mean", "95% CI", "raw mean", "raw 95% CI", "on clean-S_C range", "study (follow-up)"],
            SplitNames.InPatternOrder.Select(split => new[]
            {
                Cell.Of(split), Cell.Number(s.SplitSizes[split], s.SplitSizes[split].ToString(CultureInfo.InvariantCulture)),
                Cell.Signed(s.ClipmemMean[split]), Interval(s.ClipmemCi95[split]), Cell.Signed(s.RawMean[split]), Interval(s.RawCi95[split]),
                Cell.Signed(s.ClipmemMeanCleanRange[split]),
                StudyReference.SplitMeans.TryGetValue(split, out var study) ? Cell.Signed(study) : Cell.Of("n/a"),
            }));
        string tests = string.Join(" ", s.WelchTests.Select(w => string.Create(CultureInfo.InvariantCulture,
            $"Welch t-test {w.Pair}: t = {w.Test.T:F2}, df = {w.Test.DegreesOfFreedom:F0}, p = {w.Test.PValue:G3}.")));
        string ranges = string.Create(CultureInfo.InvariantCulture,
            $"Normalised by the S_C range (max - min raw over S_C: {s.NormalisationRange:F4}); the clean-S_C column uses the range over S_C without the injected mis-captions ({s.CleanNormalisationRange:F4}). " +
            $"Expected: S_C > 0 ≈ S_S ≈ S_E > S_I; the spread of S_S is the noise floor.");
        return new ReportSection("CLIPMem per split (95% bootstrap CIs)", [table], [ranges, tests]);
    }

    private static ReportSection Memorized(ClipMemSummary s)
    {
        bool injected = s.MiscaptionCount > 0;
        string none = "n/a (below)";
        var rows = new List<Cell[]>
        {
            Row($"mis-captioned S_C detected: AUROC ({s.MiscaptionCount} injected)", injected ? Fixed(s.MiscaptionAuroc) : none, "the most memorized samples are mis-captioned"),
            Row($"precision@{s.MiscaptionCount}", injected ? Fixed(s.MiscaptionPrecisionAtK) : none, ""),
            Row("mean CLIPMem: mis-captioned vs clean S_C", injected ? $"{N(s.MiscaptionMeanClipmem)} vs {N(s.CleanCandidatesMeanClipmem)}" : none,
                $"> {StudyReference.MostMemorizedScore} for the most memorized"),
            Row("mean CLIPMem over clean S_C, on its own range", N(s.CleanCandidatesMeanCleanRange), $"{StudyReference.CocoCandidateMean:F3} (COCO baseline, all of S_C)"),
            Row("mean CLIPMem: atypical vs typical S_C",
                double.IsFinite(s.AtypicalMeanClipmem) ? $"{N(s.AtypicalMeanClipmem)} vs {N(s.TypicalMeanClipmem)}" : "n/a (below)",
                "atypical samples are memorized"),
            Row("Spearman(CLIPMem, atypicality under g)", N(s.AtypicalityRankCorrelation), "positive"),
            Row("Spearman(CLIPMem, S_S frequency of the rarest concept)", N(s.ConceptFrequencyRankCorrelation), "negative (rare concepts memorized)"),
            Row("mean CLIPMem over S_C", N(s.ClipmemMean["S_C"]), $"{StudyReference.CocoCandidateMean:F3} (COCO baseline)"),
        };
        var notes = new List<string>();
        if (!double.IsFinite(s.AtypicalMeanClipmem))
            notes.Add("Atypical vs typical S_C is n/a: no S_C sample is flagged atypical (the dataset carries no atypicality flags, or none fell in S_C).");
        if (!injected) notes.Add("No mis-captions were injected (data.miscaption_fraction is 0, or S_C is too small for one), so there is nothing to detect.");
        return new ReportSection("What gets memorized", [ReportTable.Labelled(["measure", "this run", "study"], rows, 2)], notes);
    }

    private static ReportSection Utility(ClipMemSummary s)
    {
        var rows = new List<Cell[]>
        {
            Row("linear probe, CLIP f (frozen image features)", Percentage.Format(s.LinearProbeAcc), $"{StudyReference.Percent(StudyReference.ClipLinearProbe)} (ImageNet)"),
            Row("linear probe, randomly initialised encoder (floor)", Percentage.Format(s.LinearProbeAccRandomInit), ""),
            Row("linear probe, supervised ViT (ceiling)", Percentage.Format(s.LinearProbeAccSupervised), $"{StudyReference.Percent(StudyReference.SupervisedLinearProbe)} (ImageNet)"),
            Row("zero-shot classification, CLIP f", Percentage.Format(s.ZeroShotAcc), ""),
        };
        if (s.ZeroShotAttributeAcc is not null) rows.Add(Row($"zero-shot {s.ZeroShotAttribute} of the same images, CLIP f", Percentage.Format(s.ZeroShotAttributeAcc), ""));
        rows.AddRange(Retrieval.InReadingOrder(s.Retrieval).Select(kv => Row($"retrieval on S_E: {kv.Key.Replace('_', ' ')}", Percentage.Format(kv.Value), "")));
        var notes = s.ProbeTask is null ? new List<string>() : [$"Probe task: {s.ProbeTask}. {StudyReference.LinearProbes}"];
        return new ReportSection("Utility", [ReportTable.Labelled(["measure", "this run", "study"], rows, 2)], notes);
    }

    private static Cell[] Row(string measure, string value, string study) => [Cell.Of(measure), new Cell(value), Cell.Of(study)];

    private static Cell Interval(double[] ci) => new($"[{N(ci[0])}, {N(ci[1])}]");

    private static string N(double value) => SignedNumber.Format(value);

    private static string Fixed(double value) => double.IsFinite(value) ? value.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    private static string Line(ScoreRow r)
    {
        string flags = (r.Miscaptioned ? " [mis-captioned]" : "") + (r.Atypical ? " [atypical]" : "");
        string caption = r.Captions.Split(" | ")[0];
        if (caption.Length > 70) caption = caption[..67] + "...";
        return string.Create(CultureInfo.InvariantCulture, $"  {r.ClipMem,7:+0.000;-0.000}  {r.SampleId}{flags}  \"{caption}\"");
    }
}
