using ClipMem.Evaluation;
using ClipMem.Common;
using System.Globalization;
using System.Net;
using System.Text;
using ClipMem.Data;
using ClipMem.Reporting;

namespace ClipMem.Experiments;

/// <summary>
/// report.html of a run: one self-contained page (images inlined, plotly.js embedded once) that shows a
/// person what is memorized: split histograms, the mis-caption test, atypicality, utility, and galleries
/// of the most and least memorized candidates.
/// </summary>
public static class ClipMemReport
{
    public static string Render(ClipMemResult result, ImageCache images, int galleryCount = 20)
    {
        var s = result.Summary;
        var rows = result.Rows;
        var candidates = rows.Where(r => r.Split == "S_C").OrderByDescending(r => r.ClipMem).ToList();
        var body = new StringBuilder();
        body.Append(PlotlyScript.InlineTag());
        body.Append(SummaryTables(s));

        var histogram = ClipMemViews.SplitHistogram(result);
        body.Append("<section><h2>Leave-set-out sign pattern</h2><p class=\"note\">f saw S_C, g saw S_I, both saw S_S, neither saw S_E. " +
                    "Expected: mean S_C &gt; 0 ≈ S_S ≈ S_E &gt; S_I; the spread of S_S is the noise floor. " +
                    "The study's follow-up reports split means of about +0.22 (S_C), 0.00 (S_S), −0.22 (S_I); its COCO baseline mean over S_C is 0.438.</p>")
            .Append(histogram.ToHtml()).Append("</section>");

        var mis = ClipMemViews.MiscaptionBoxes(result);
        body.Append("<section><h2>What gets memorized</h2><p class=\"note\">Captions of 5% of S_C were deranged in f's training data (the study's finding 2: " +
                    "mis-captioned samples are the most memorized). Atypical samples (rare shapes or colours, distortions) should also score above typical ones (finding 3).</p>")
            .Append(mis.ToHtml());
        var atypicality = ClipMemViews.ScoreVsAtypicality(result);
        body.Append(atypicality.ToHtml()).Append("</section>");

        body.Append(SampleGallery.Section($"Most memorized candidates (top {galleryCount} of S_C)", ClipMemViews.Tiles(result, candidates.Take(galleryCount), images),
            "The study shows wrong or vague captions and odd images here (CLIPMem > 0.89)."));
        body.Append(SampleGallery.Section($"Least memorized candidates (bottom {galleryCount} of S_C)", ClipMemViews.Tiles(result, candidates.AsEnumerable().Reverse().Take(galleryCount), images),
            "Typical, accurately captioned samples: f aligns them no better than g, which never saw them."));

        string subtitle = $"preset {s.Preset}, dataset {s.Dataset}, seed {s.Seed}, variant {s.AlignmentVariant}; run directory {result.RunDirectory}; " +
                          $"{s.WallSeconds:F0} s wall, training {s.TrainSamplesPerSecond:F0} samples/s" +
                          (s.PhaseSeconds is { Count: > 0 } phases ? $"; by phase: {PhaseTimes.Describe(phases, s.WallSeconds)}" : "");
        return SampleGallery.Page("CLIPMem report", body.ToString(), subtitle);
    }

    private static string SummaryTables(ClipMemSummary s)
    {
        var html = new StringBuilder("<section><h2>Summary</h2><table><tr><th>split</th><th>n</th><th>CLIPMem mean</th><th>95% CI</th><th>raw mean</th><th>raw 95% CI</th></tr>");
        foreach (var split in new[] { "S_C", "S_S", "S_E", "S_I" })
            html.Append($"<tr><td>{split}</td><td>{s.SplitSizes[split]}</td><td>{N(s.ClipmemMean[split])}</td><td>[{N(s.ClipmemCi95[split][0])}, {N(s.ClipmemCi95[split][1])}]</td>" +
                        $"<td>{N(s.RawMean[split])}</td><td>[{N(s.RawCi95[split][0])}, {N(s.RawCi95[split][1])}]</td></tr>");
        html.Append("</table><p class=\"note\">").Append(WebUtility.HtmlEncode(
            string.Join(" ", s.WelchTests.Select(w => $"Welch t-test {w.Pair}: t = {w.Test.T:F2}, df = {w.Test.DegreesOfFreedom:F0}, p = {w.Test.PValue:G3}.")) +
            $" Normalisation range (max - min raw over S_C): {s.NormalisationRange:F4}; over clean S_C (injected mis-captions left out): {s.CleanNormalisationRange:F4}, " +
            $"under which the clean S_C mean is {N(s.CleanCandidatesMeanCleanRange)} (the study's COCO baseline: 0.438).")).Append("</p>");
        html.Append("<h3>Utility</h3><table><tr><th>measure</th><th>value</th></tr>");
        void Row(string name, double? value) => html.Append($"<tr><td>{WebUtility.HtmlEncode(name)}</td><td>{Percentage.Format(value)}</td></tr>");
        Row("linear probe, CLIP f (frozen image features)", s.LinearProbeAcc);
        Row("linear probe, randomly initialised encoder (floor)", s.LinearProbeAccRandomInit);
        Row("linear probe, supervised ViT (ceiling)", s.LinearProbeAccSupervised);
        Row("zero-shot classification, CLIP f", s.ZeroShotAcc);
        if (s.ZeroShotAttributeAcc is not null) Row($"zero-shot {s.ZeroShotAttribute} of the same images, CLIP f", s.ZeroShotAttributeAcc);
        foreach (var (name, value) in Retrieval.InReadingOrder(s.Retrieval)) Row($"retrieval on S_E: {name}", value);
        html.Append("</table>");
        if (s.ProbeTask is not null) html.Append("<p class=\"note\">Probe task: ").Append(WebUtility.HtmlEncode(s.ProbeTask)).Append(". The study reports CLIP 63.11%, SSL 61.45%, supervised 79.38% on ImageNet.</p>");
        return html.Append("</section>").ToString();
    }

    private static string N(double value) => SignedNumber.Format(value);
}
