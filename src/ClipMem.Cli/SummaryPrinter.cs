using System.Globalization;
using ClipMem.Common;
using ClipMem.Experiments;

namespace ClipMem.Cli;

/// <summary>The readable end-of-run summary: split means with CIs, the mis-caption test, utility, extremes.</summary>
public static class SummaryPrinter
{
    public static void Print(ClipMemResult result, TextWriter o)
    {
        var s = result.Summary;
        string N(double v) => ClipMem.Common.SignedNumber.Format(v);
        string P(double? v) => ClipMem.Common.Percentage.Format(v);
        o.WriteLine();
        o.WriteLine($"CLIPMem ({s.AlignmentVariant}) per split, normalised by the S_C range ({s.NormalisationRange:F4}); 95% bootstrap CIs;");
        o.WriteLine($"last column: normalised by the range over clean S_C ({s.CleanNormalisationRange:F4}), the injected mis-captions left out:");
        foreach (var split in new[] { "S_C", "S_S", "S_E", "S_I" })
            o.WriteLine($"  {split}  n={s.SplitSizes[split],-6} mean {N(s.ClipmemMean[split])}  [{N(s.ClipmemCi95[split][0])}, {N(s.ClipmemCi95[split][1])}]   raw {N(s.RawMean[split])}   clean range {N(s.ClipmemMeanCleanRange[split])}");
        foreach (var (pair, t) in s.WelchTests)
            o.WriteLine($"  Welch t-test {pair}: t = {t.T:F2}, df = {t.DegreesOfFreedom:F0}, p = {t.PValue:G3}");
        o.WriteLine($"Mis-captions ({s.MiscaptionCount} injected in S_C): AUROC {s.MiscaptionAuroc:F3}, precision@{s.MiscaptionCount} {s.MiscaptionPrecisionAtK:F3}; " +
                    $"mean CLIPMem mis-captioned {N(s.MiscaptionMeanClipmem)} vs clean {N(s.CleanCandidatesMeanClipmem)} (clean S_C under its own range {N(s.CleanCandidatesMeanCleanRange)}; the study's COCO baseline: 0.438)");
        o.WriteLine($"Atypical S_C {N(s.AtypicalMeanClipmem)} vs typical {N(s.TypicalMeanClipmem)}; Spearman(CLIPMem, kNN distance under g) {N(s.AtypicalityRankCorrelation)}, " +
                    $"Spearman(CLIPMem, S_S frequency of the rarest concept) {N(s.ConceptFrequencyRankCorrelation)}");
        o.WriteLine($"Utility: linear probe CLIP {P(s.LinearProbeAcc)} | random init {P(s.LinearProbeAccRandomInit)} | supervised ViT {P(s.LinearProbeAccSupervised)}; " +
                    $"zero-shot {P(s.ZeroShotAcc)}{(s.ZeroShotAttributeAcc is { } a ? $" ({s.ZeroShotAttribute} of the same images {P(a)})" : "")}; retrieval image->text R@1 {P(s.RetrievalR1)}");
        var candidates = result.Rows.Where(r => r.Split == "S_C").OrderByDescending(r => r.ClipMem).ToList();
        o.WriteLine("Most memorized (S_C):");
        foreach (var r in candidates.Take(10)) o.WriteLine(Line(r));
        o.WriteLine("Least memorized (S_C):");
        foreach (var r in candidates.AsEnumerable().Reverse().Take(10)) o.WriteLine(Line(r));
        o.WriteLine($"wall {s.WallSeconds:F0} s (training {s.TrainSeconds:F0} s at {s.TrainSamplesPerSecond:F0} samples/s); report: {Path.Combine(result.RunDirectory, "report.html")}");
        if (s.PhaseSeconds is { Count: > 0 } phases) o.WriteLine($"time by phase: {PhaseTimes.Describe(phases, s.WallSeconds)}");
        if (s.Versions.TryGetValue("cpu", out var cpu)) o.WriteLine($"cpu: {cpu}");
    }

    private static string Line(ScoreRow r)
    {
        string flags = (r.Miscaptioned ? " [mis-captioned]" : "") + (r.Atypical ? " [atypical]" : "");
        string caption = r.Captions.Split(" | ")[0];
        if (caption.Length > 70) caption = caption[..67] + "...";
        return string.Create(CultureInfo.InvariantCulture, $"  {r.ClipMem,7:+0.000;-0.000}  {r.SampleId}{flags}  \"{caption}\"");
    }
}
