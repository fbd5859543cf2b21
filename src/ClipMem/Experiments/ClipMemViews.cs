using ClipMem.Data;
using ClipMem.Reporting;

namespace ClipMem.Experiments;

/// <summary>
/// The views of a finished run that reports and notebooks show: charts of CLIPMem per split beside the
/// study's reference values, galleries of the most and least memorized samples, ranked score rows.
/// </summary>
public static class ClipMemViews
{
    /// <summary>Splits in the order of the expected sign pattern: S_C &gt; 0 ≈ S_S ≈ S_E &gt; S_I.</summary>
    public static IReadOnlyList<string> SplitOrder { get; } = ["S_C", "S_S", "S_E", "S_I"];

    /// <summary>Split means the study's follow-up reports (PAPER.md section 3); S_E has no published value.</summary>
    public static IReadOnlyDictionary<string, double> StudySplitMeans { get; } = new Dictionary<string, double>
    {
        ["S_C"] = 0.22, ["S_S"] = 0.0, ["S_I"] = -0.22,
    };

    /// <summary>Mean CLIPMem over S_C in the study's COCO baseline (PAPER.md finding 2).</summary>
    public const double StudyCocoCandidateMean = 0.438;

    /// <summary>Bar chart of mean CLIPMem per split with bootstrap 95% CIs, and the study's values as markers.</summary>
    public static PlotlyFigure SplitMeansChart(ClipMemSummary s)
    {
        var splits = SplitOrder;
        var means = splits.Select(k => s.ClipmemMean[k]).ToArray();
        var figure = new PlotlyFigure($"Mean CLIPMem per split (preset {s.Preset}, seed {s.Seed})", "split", "mean CLIPMem")
            .Add(PlotlyFigure.Bar("this run (95% CI)", splits, means,
                splits.Select((k, i) => means[i] - s.ClipmemCi95[k][0]), splits.Select((k, i) => s.ClipmemCi95[k][1] - means[i])));
        var study = splits.Where(StudySplitMeans.ContainsKey).ToList();
        var reference = PlotlyFigure.Scatter("study (follow-up work)", [], study.Select(k => StudySplitMeans[k]));
        reference["x"] = new System.Text.Json.Nodes.JsonArray(study.Select(k => (System.Text.Json.Nodes.JsonNode?)k).ToArray());
        reference["marker"] = new System.Text.Json.Nodes.JsonObject { ["size"] = 14, ["symbol"] = "diamond", ["color"] = "#d62728" };
        return figure.Add(reference);
    }

    /// <summary>Overlaid density histograms of CLIPMem for every split.</summary>
    public static PlotlyFigure SplitHistogram(ClipMemResult result)
    {
        var figure = new PlotlyFigure("CLIPMem per split (normalised by the S_C range)", "CLIPMem", "density").Set("barmode", "overlay");
        foreach (var split in SplitOrder)
            figure.Add(PlotlyFigure.Histogram($"{split} (mean {result.Summary.ClipmemMean[split]:+0.000;-0.000})",
                result.Rows.Where(r => r.Split == split).Select(r => r.ClipMem)));
        return figure;
    }

    /// <summary>Score rows of one split (all splits when null), most memorized first.</summary>
    public static IReadOnlyList<ScoreRow> Ranked(ClipMemResult result, string? split = "S_C") =>
        result.Rows.Where(r => split is null || r.Split == split).OrderByDescending(r => r.ClipMem).ToList();

    public static Gallery MostMemorized(ClipMemResult result, int count = 12, string split = "S_C") =>
        new($"Most memorized ({split}, top {count})", Tiles(result, Ranked(result, split).Take(count)),
            "The study finds wrong or vague captions and odd images here (CLIPMem > 0.89).");

    public static Gallery LeastMemorized(ClipMemResult result, int count = 12, string split = "S_C") =>
        new($"Least memorized ({split}, bottom {count})", Tiles(result, Ranked(result, split).Reverse().Take(count)),
            "Typical, accurately captioned samples: f aligns them no better than g, which never saw them.");

    /// <summary>Gallery tiles for score rows: the image f trained on, its captions (as f saw them), flags and score.</summary>
    /// <param name="images">Decoded images to reuse (the report passes the run's cache); a fresh cache when null.</param>
    public static IReadOnlyList<GalleryItem> Tiles(ClipMemResult result, IEnumerable<ScoreRow> rows, ImageCache? images = null)
    {
        images ??= new ImageCache(result.Data.Effective, ExperimentPreset.Named(result.Summary.Preset).Resolution);
        return rows.Select(r =>
        {
            var sample = result.Data.Effective[new SampleId(r.SampleId)];
            return new GalleryItem(sample.Id, images.Get(sample.Id), sample.Captions, r.Split, sample.Truth, sample.Labels, r.ClipMem);
        }).ToList();
    }
}
