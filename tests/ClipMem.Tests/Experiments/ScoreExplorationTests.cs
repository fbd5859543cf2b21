using ClipMem.Reporting;
using ClipMem.Tests.Reporting;
using ClipMem.Evaluation;
using ClipMem.Experiments;
using ClipMem.Tests.Training;
using Microsoft.Data.Analysis;

namespace ClipMem.Tests.Experiments;

/// <summary>The score frame, run comparison and views the notebooks explore runs with, on two real tiny runs.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class ScoreExplorationTests(TinyRuns runs)
{
    [Fact]
    public void ScoreFrameHoldsEveryRowAndFiltersAndSearchesLikeLinqOverTheRows()
    {
        var rows = runs.Baseline.Rows;
        var frame = ScoreFrame.From(rows);
        Assert.Equal(rows.Count, frame.Rows.Count);
        Assert.Equal(rows.Select(r => r.ClipMem), ((DoubleDataFrameColumn)frame["clipmem"]).Select(v => v!.Value));

        var candidates = ScoreFrame.Where(frame, split: "S_C", miscaptioned: false, minClipMem: -0.1);
        var expected = rows.Where(r => r.Split == "S_C" && !r.Miscaptioned && r.ClipMem >= -0.1).OrderByDescending(r => r.ClipMem).Select(r => r.SampleId);
        Assert.Equal(expected, ScoreFrame.SampleIds(candidates));

        var hits = ScoreFrame.Search(frame, "RED   Circle");
        var expectedHits = rows.Where(r => r.Captions.Contains("red", StringComparison.OrdinalIgnoreCase) && r.Captions.Contains("circle", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(expectedHits.Select(r => r.SampleId).Order(), ScoreFrame.SampleIds(hits).Order());
        Assert.True(hits.Rows.Count > 0);

        var stats = ScoreFrame.SplitStatistics(rows);
        Assert.Equal(rows.Count, ((Int32DataFrameColumn)stats["n"]).Sum(v => v!.Value));
    }

    [Fact]
    public void CaptionWordsAveragesOverASamplesCaptions()
    {
        Assert.Equal(3.0, ScoreFrame.CaptionWords("a red circle"));
        Assert.Equal(2.5, ScoreFrame.CaptionWords("a red circle | two  words"));
    }

    [Fact]
    public void ComparingARunWithItselfMatchesEverySampleWithNoChange()
    {
        var a = runs.Baseline;
        var self = RunComparison.Of(a, a);
        Assert.Equal(a.Rows.Count, self.Samples.Count);
        Assert.Equal(0, self.Mismatched + self.OnlyInA + self.OnlyInB);
        Assert.All(self.Samples, s => Assert.Equal(0, s.RawDifference));
        Assert.Equal(1.0, self.RankCorrelation("S_C"), 12);
    }

    [Fact]
    public void ComparisonPutsBOnTheRangeOfAAndRefusesSamplesThatDiffer()
    {
        var a = runs.Baseline;
        var b = runs.TextNoise;
        var comparison = RunComparison.Of(a, b);
        // Same data and seed: the mitigation changes training only, so every sample is comparable.
        Assert.Equal(a.Rows.Count, comparison.Samples.Count);
        foreach (var s in comparison.Samples.Take(50))
            Assert.Equal(s.RawB / a.Summary.NormalisationRange, s.ClipMemBOnRangeOfA, 12);
        var candidates = comparison.Samples.Where(s => s.Split == "S_C").ToList();
        Assert.Equal(Statistics.Spearman(candidates.Select(s => s.RawA).ToList(), candidates.Select(s => s.RawB).ToList()), comparison.RankCorrelation("S_C"), 12);

        // A sample whose captions differ, or that one run lacks, is not compared.
        var altered = b with { Rows = b.Rows.Skip(1).Select((r, i) => i == 0 ? r with { Captions = "another sample" } : r).ToList() };
        var partial = RunComparison.Of(a, altered);
        Assert.Equal(1, partial.OnlyInA);
        Assert.Equal(1, partial.Mismatched);
        Assert.Equal(a.Rows.Count - 2, partial.Samples.Count);
        Assert.Equal(a.Rows.Count - 2, ((Int32DataFrameColumn)partial.SplitMeans()["compared"]).Sum(v => v!.Value));
    }

    [Fact]
    public void RocCurveAreaIsTheSummaryAuroc()
    {
        var result = runs.Baseline;
        var trace = ChartJson.Traces(ClipMemViews.MiscaptionRoc(result))[0]!;
        var x = ChartJson.Numbers(trace["x"]);
        var y = ChartJson.Numbers(trace["y"]);
        Assert.Equal((0.0, 0.0), (x[0], y[0]));
        Assert.Equal((1.0, 1.0), (x[^1], y[^1]));
        double area = 0;
        for (int i = 1; i < x.Count; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        Assert.Equal(result.Summary.MiscaptionAuroc, area, 4); // points are rounded to 6 decimals in the figure
    }

    [Fact]
    public void ViewsRefuseUnknownModelsAndSamples()
    {
        var result = runs.Baseline;
        Assert.Throws<ArgumentException>(() => ClipMemViews.ScoreVsSimilarity(result, "h"));
        var e = Assert.Throws<ArgumentException>(() => ClipMemViews.GalleryOf(result, ["no-such-sample"], "t"));
        Assert.Contains("no-such-sample", e.Message);
        var gallery = ClipMemViews.MiscaptionedSamples(result);
        Assert.Equal(result.Summary.MiscaptionCount, gallery.Items.Count);
    }
}
