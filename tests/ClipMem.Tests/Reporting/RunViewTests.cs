using System.Text.RegularExpressions;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Experiments;
using ClipMem.Reporting;
using ClipMem.Tests.Experiments;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Reporting;

/// <summary>The charts, summary and report of a real tiny run, read back as plotly.js and a person receive them.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class RunViewTests(TinyRuns runs)
{
    [Fact]
    public void SplitMeansChartDrawsEachMeanWithItsBootstrapIntervalAndTheStudysMeansAsMarkers()
    {
        var s = runs.Baseline.Summary;
        var traces = ChartJson.Traces(ClipMemViews.SplitMeansChart(s));
        var bars = traces[0]!;
        Assert.Equal("bar", (string)bars["type"]!);
        Assert.Equal(SplitNames.InPatternOrder, bars["x"]!.AsArray().Select(v => (string)v!));
        var means = ChartJson.Numbers(bars["y"]);
        var above = ChartJson.Numbers(bars["error_y"]!["array"]);
        var below = ChartJson.Numbers(bars["error_y"]!["arrayminus"]);
        for (int i = 0; i < 4; i++)
        {
            string split = SplitNames.InPatternOrder[i];
            Assert.Equal(s.ClipmemMean[split], means[i], 6);
            Assert.Equal(s.ClipmemCi95[split][0], means[i] - below[i], 5);
            Assert.Equal(s.ClipmemCi95[split][1], means[i] + above[i], 5);
        }
        var study = traces[1]!;
        Assert.Equal(["S_C", "S_S", "S_I"], study["x"]!.AsArray().Select(v => (string)v!));
        Assert.Equal([0.22, 0.0, -0.22], ChartJson.Numbers(study["y"]));
        Assert.Equal("diamond", (string)study["marker"]!["symbol"]!);
    }

    [Fact]
    public void HistogramOverlaysOneDensityPerSplitWithTheStudysMeansAsDashedLines()
    {
        var result = runs.Baseline;
        var chart = ClipMemViews.SplitHistogram(result);
        var traces = ChartJson.Traces(chart);
        Assert.Equal(4, traces.Count);
        foreach (var (trace, split) in traces.Zip(SplitNames.InPatternOrder))
        {
            Assert.Equal("probability density", (string)trace!["histnorm"]!);
            Assert.Equal(result.Summary.SplitSizes[split], trace["x"]!.AsArray().Count);
        }
        var layout = ChartJson.Layout(chart);
        Assert.Equal("overlay", (string)layout["barmode"]!);
        Assert.Equal([-0.22, 0.0, 0.22], layout["shapes"]!.AsArray().Select(sh => (double)sh!["x0"]!).Order());
        Assert.All(layout["shapes"]!.AsArray(), sh => Assert.Equal("dash", (string)sh!["line"]!["dash"]!));
        Assert.Contains("study S_C +0.22", layout["annotations"]!.AsArray().Select(a => (string)a!["text"]!));
        // No Plotly.NET template or fixed width: plotly.js's own look, as wide as the page or cell.
        Assert.False(layout.ContainsKey("template"));
        Assert.False(layout.ContainsKey("width"));
    }

    [Fact]
    public void BoxesColourEachKindOfSampleAsTheScattersAndGalleriesDo()
    {
        var result = runs.Baseline;
        var traces = ChartJson.Traces(ClipMemViews.MiscaptionBoxes(result));
        Assert.Equal([SampleKind.Clean.Color, SampleKind.Miscaptioned.Color, SampleKind.Atypical.Color],
            traces.Select(t => (string)t!["marker"]!["color"]!));
        Assert.Equal(result.Summary.MiscaptionCount, traces[1]!["y"]!.AsArray().Count);
    }

    [Fact]
    public void SummaryTextAndHtmlShowTheSameNumbers()
    {
        var result = runs.Baseline;
        string text = SummaryView.ToText(result), html = SummaryView.ToHtml(result.Summary);
        foreach (var split in SplitNames.InPatternOrder)
        {
            string mean = Common.SignedNumber.Format(result.Summary.ClipmemMean[split]);
            Assert.Contains(mean, text);
            Assert.Contains($"<td>{mean}</td>", html);
        }
        string auroc = result.Summary.MiscaptionAuroc.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(auroc, text);
        Assert.Contains(auroc, html);
        Assert.Contains("Most memorized (S_C):", text);
        Assert.DoesNotContain("NaN", text);
    }

    [Fact]
    public void ASummaryWithoutAtypicalSamplesSaysNaAndWhy()
    {
        var result = runs.Baseline;
        var s = result.Summary with { AtypicalMeanClipmem = double.NaN, TypicalMeanClipmem = double.NaN };
        string text = SummaryView.ToText(result with { Summary = s });
        Assert.Contains("n/a: no S_C sample is flagged atypical", text);
        Assert.Contains("n/a (below)", text);
        Assert.DoesNotContain("NaN", text);
        Assert.Contains("n/a: no S_C sample is flagged atypical", SummaryView.ToHtml(s));
    }

    [Fact]
    public void ReportDrawsItsChartsOfflineWithPlotlyJsEmbeddedOnce()
    {
        var result = runs.Baseline;
        string page = ClipMemReport.Render(result, new ImageCache(result.Data.Effective, result.Config.Data.Resolution), galleryCount: 2);
        Assert.Single(Regex.Matches(page, Regex.Escape(PlotlyScript.InlineTag()[..300])));
        Assert.Equal(4, Regex.Matches(page, Regex.Escape("var renderPlotly_")).Count); // Plotly.NET's chart script: histogram, boxes, atypicality, UnitMem
        Assert.DoesNotContain("<script src", page);                                    // nothing fetched: it opens offline
        Assert.DoesNotContain("requirejs", page);
        Assert.Contains("CLIPMem per split (95% bootstrap CIs)", page);                // the one summary view
        Assert.Contains("UnitMem of f's image tower per layer", page);
        // A run evaluated before UnitMem existed has no layers: the section is left out, not drawn empty.
        string older = ClipMemReport.Render(result with { Summary = result.Summary with { UnitMem = null } },
            new ImageCache(result.Data.Effective, result.Config.Data.Resolution), galleryCount: 2);
        Assert.DoesNotContain("Where in the image tower", older);
    }
}
