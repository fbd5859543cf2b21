using System.Text;
using ClipMem.Data;
using ClipMem.Experiments;

namespace ClipMem.Reporting;

/// <summary>
/// report.html of a run: one self-contained page (images inlined, plotly.js embedded once) that shows a
/// person what is memorized: the summary, split histograms, the mis-caption test, atypicality, and
/// galleries of the most and least memorized candidates.
/// </summary>
public static class ClipMemReport
{
    public static string Render(ClipMemResult result, ImageCache images, int galleryCount = 20)
    {
        var s = result.Summary;
        var candidates = ClipMemViews.Ranked(result);
        var body = new StringBuilder(PlotlyScript.InlineTag());
        body.Append("<section><h2>Summary</h2>").Append(SummaryView.ToHtml(s)).Append("</section>");

        body.Append("<section><h2>Leave-set-out sign pattern</h2><p class=\"note\">f saw S_C, g saw S_I, both saw S_S, neither saw S_E. " +
                    "Expected: mean S_C &gt; 0 ≈ S_S ≈ S_E &gt; S_I; the spread of S_S is the noise floor. The dashed lines are the study's follow-up split means.</p>")
            .Append(ClipMemViews.SplitHistogram(result).ToHtml()).Append("</section>");

        body.Append("<section><h2>What gets memorized</h2><p class=\"note\">").Append(HtmlView.Encode(
                $"Captions of {s.MiscaptionCount} S_C samples were deranged in f's training data (the study's finding 2: mis-captioned samples are the most memorized). " +
                "Atypical samples (rare shapes or colours, distortions) should also score above typical ones (finding 3).")).Append("</p>")
            .Append(ClipMemViews.MiscaptionBoxes(result).ToHtml())
            .Append(ClipMemViews.ScoreVsAtypicality(result).ToHtml()).Append("</section>");

        if (s.UnitMem is { Count: > 0 } layers)
            body.Append("<section><h2>Where in the image tower</h2><p class=\"note\">").Append(HtmlView.Encode(
                    $"UnitMem (finding 4): how much more each MLP unit fires for its top sample than for the rest, over all of S_C and as many S_S samples. " +
                    $"Units whose top sample is mis-captioned, by layer: {string.Join(", ", layers.Select(l => l.TopSampleMiscaptionedShare.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)))} " +
                    $"(the mis-captioned share of those samples is {s.MiscaptionCount / (2.0 * s.SplitSizes["S_C"]):P1}). Per unit in unitmem.csv.")).Append("</p>")
                .Append(ClipMemViews.UnitMemByLayer(s).ToHtml()).Append("</section>");

        body.Append(SampleGallery.Section($"Most memorized candidates (top {galleryCount} of S_C)", ClipMemViews.Tiles(result, candidates.Take(galleryCount), images),
            $"The study shows wrong or vague captions and odd images here (CLIPMem > {StudyReference.MostMemorizedScore})."));
        body.Append(SampleGallery.Section($"Least memorized candidates (bottom {galleryCount} of S_C)", ClipMemViews.Tiles(result, candidates.Reverse().Take(galleryCount), images),
            "Typical, accurately captioned samples: f aligns them no better than g, which never saw them."));

        return HtmlView.Page("CLIPMem report", body.ToString(), $"run directory {result.RunDirectory}");
    }
}
