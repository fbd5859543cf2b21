using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Experiments;
using Plotly.NET;

namespace ClipMem.Reporting;

/// <summary>
/// The views of a finished run that reports and notebooks show: charts of CLIPMem per split beside the
/// study's reference values, galleries of the most and least memorized samples, ranked score rows.
/// </summary>
public static class ClipMemViews
{
        /// <summary>Bar chart of mean CLIPMem per split with bootstrap 95% CIs, and the study's values as markers.</summary>
    public static GenericChart SplitMeansChart(ClipMemSummary s)
    {
        var splits = SplitNames.InPatternOrder;
        var means = splits.Select(k => s.ClipmemMean[k]).ToArray();
        var study = splits.Where(StudyReference.SplitMeans.ContainsKey).ToList();
        return Charts.Figure($"Mean CLIPMem per split (preset {s.Preset}, seed {s.Seed})", "split", "mean CLIPMem",
        [
            Charts.Bars("this run (95% CI)", splits, means,
                below: splits.Select((k, i) => means[i] - s.ClipmemCi95[k][0]), above: splits.Select((k, i) => s.ClipmemCi95[k][1] - means[i])),
            Charts.Markers("study (follow-up work)", study, study.Select(k => StudyReference.SplitMeans[k]), "#d62728"),
        ]);
    }

    /// <summary>Overlaid density histograms of CLIPMem for every split, with the study's split means as dashed lines.</summary>
    public static GenericChart SplitHistogram(ClipMemResult result)
    {
        var chart = Charts.Figure("CLIPMem per split (normalised by the S_C range)", "CLIPMem", "density",
            SplitNames.InPatternOrder.Select(split => Charts.Histogram($"{split} (mean {result.Summary.ClipmemMean[split]:+0.000;-0.000})",
                result.Rows.Where(r => r.Split == split).Select(r => r.ClipMem)))).WithOverlaidBars();
        foreach (var (split, mean) in StudyReference.SplitMeans)
            chart = chart.WithVerticalLine(mean, $"study {split} {mean:+0.00;-0.00;0.00}", "#555");
        return chart;
    }

    /// <summary>CLIPMem of clean, mis-captioned and atypical S_C samples side by side (findings 2 and 3), in the kinds' colours.</summary>
    public static GenericChart MiscaptionBoxes(ClipMemResult result)
    {
        var s = result.Summary;
        var candidates = result.Rows.Where(r => r.Split == "S_C").ToList();
        return Charts.Figure($"Injected mis-captions in S_C: AUROC {s.MiscaptionAuroc:F3}, precision@{s.MiscaptionCount} {s.MiscaptionPrecisionAtK:F3}", "", "CLIPMem",
        [
            Charts.Box("clean S_C", candidates.Where(r => !r.Miscaptioned && !r.Atypical).Select(r => r.ClipMem), SampleKind.Clean.Color),
            Charts.Box("mis-captioned S_C", candidates.Where(r => r.Miscaptioned).Select(r => r.ClipMem), SampleKind.Miscaptioned.Color),
            Charts.Box("atypical S_C", candidates.Where(r => r.Atypical && !r.Miscaptioned).Select(r => r.ClipMem), SampleKind.Atypical.Color),
        ]);
    }

    /// <summary>
    /// UnitMem of f's image tower per layer (both rest statistics) against relative depth, so a tower of any depth sits
    /// beside the study's 12-layer CLIP, whose first and last readings are joined by a dashed line (no reading between).
    /// </summary>
    public static GenericChart UnitMemByLayer(ClipMemSummary s)
    {
        var layers = s.UnitMem ?? [];
        var depth = layers.Select(l => layers.Count == 1 ? 0.0 : l.Layer / (double)(layers.Count - 1)).ToList();
        var (first, last) = StudyReference.UnitMemFirstAndLastLayer["CLIP"];
        return Charts.Figure("UnitMem of f's image tower per layer (GELU outputs clamped at 0)", "depth (first block 0, last block 1)", "layer mean UnitMem",
        [
            Charts.Line("f, median of the rest (authors' code)", depth, layers.Select(l => l.MeanMedianRest), markers: true),
            Charts.Line("f, mean of the rest (paper's text)", depth, layers.Select(l => l.MeanMeanRest), markers: true),
            Charts.Line("study: CLIP ViT-B, layer 1 and 12", [0, 1], [first, last], "#777", dashed: true, markers: true),
        ]);
    }

    /// <summary>ROC curve of "CLIPMem detects the injected mis-captions" over S_C, with the chance diagonal.</summary>
    public static GenericChart MiscaptionRoc(ClipMemResult result)
    {
        var (fpr, tpr) = MiscaptionRocPoints(result);
        return Charts.Figure($"Detecting mis-captioned S_C samples by CLIPMem (AUROC {result.Summary.MiscaptionAuroc:F3})",
            "false positive rate (clean S_C flagged)", "true positive rate (mis-captioned found)",
            [Charts.Line("CLIPMem ranking", fpr, tpr), Charts.Line("chance", [0, 1], [0, 1], "#777", dashed: true)]);
    }

    /// <summary>The ROC curve's points: S_C ranked by CLIPMem, the share of clean and mis-captioned samples above each rank.</summary>
    public static (IReadOnlyList<double> FalsePositiveRate, IReadOnlyList<double> TruePositiveRate) MiscaptionRocPoints(ClipMemResult result)
    {
        var ranked = result.Rows.Where(r => r.Split == "S_C").OrderByDescending(r => r.ClipMem).ToList();
        int positives = ranked.Count(r => r.Miscaptioned), negatives = ranked.Count - positives;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int tp = 0, fp = 0;
        foreach (var r in ranked)
        {
            if (r.Miscaptioned) tp++; else fp++;
            fpr.Add(negatives == 0 ? 0 : (double)fp / negatives);
            tpr.Add(positives == 0 ? 0 : (double)tp / positives);
        }
        return (fpr, tpr);
    }

    /// <summary>CLIPMem of S_C against atypicality under g (finding 3), with the Spearman correlation the summary reports.</summary>
    public static GenericChart ScoreVsAtypicality(ClipMemResult result) =>
        ScatterByKind(result, $"CLIPMem vs atypicality under g (Spearman {result.Summary.AtypicalityRankCorrelation:+0.00;-0.00})",
            "mean cosine distance to the 10 nearest S_S neighbours under g", r => r.KnnDistanceUnderG, withCorrelation: false);

    /// <summary>CLIPMem of S_C against the mean number of words per caption.</summary>
    public static GenericChart ScoreVsCaptionLength(ClipMemResult result) =>
        ScatterByKind(result, "CLIPMem vs caption length (S_C)", "mean words per caption", r => ScoreFrame.CaptionWords(r.Captions));

    /// <summary>
    /// CLIPMem of S_C against the image-text cosine similarity of the pair under f (the "lowest CLIP
    /// similarity" ranking of the removal experiment, finding 8) or under g.
    /// </summary>
    public static GenericChart ScoreVsSimilarity(ClipMemResult result, string model = "f") =>
        ScatterByKind(result, $"CLIPMem vs image-text similarity under {model} (S_C)",
            $"mean cosine of image views and own captions under {model}",
            model switch
            {
                "f" => r => r.PositiveF,
                "g" => r => r.PositiveG,
                _ => throw new ArgumentException($"model must be f or g, not '{model}'", nameof(model)),
            });

    private static GenericChart ScatterByKind(ClipMemResult result, string title, string xTitle, Func<ScoreRow, double> x, bool withCorrelation = true)
    {
        var candidates = result.Rows.Where(r => r.Split == "S_C").ToList();
        if (withCorrelation && candidates.Count >= 3)
            title += $" (Spearman {Evaluation.Statistics.Spearman(candidates.Select(x).ToList(), candidates.Select(r => r.ClipMem).ToList()):+0.00;-0.00})";
        return Charts.Figure(title, xTitle, "CLIPMem",
            candidates.GroupBy(r => SampleKind.Of(r.Miscaptioned, r.Atypical)).OrderBy(g => g.Key.Order)
                .Select(g => Charts.Points(g.Key.Label, g.Select(x), g.Select(r => r.ClipMem), g.Select(r => r.SampleId), g.Key.Color)));
    }

    /// <summary>Score rows of one split (all splits when null), most memorized first.</summary>
    public static IReadOnlyList<ScoreRow> Ranked(ClipMemResult result, string? split = "S_C") =>
        result.Rows.Where(r => split is null || r.Split == split).OrderByDescending(r => r.ClipMem).ToList();

    public static Gallery MostMemorized(ClipMemResult result, int count = 12, string split = "S_C") =>
        new($"Most memorized ({split}, top {count})", Tiles(result, Ranked(result, split).Take(count)),
            $"The study finds wrong or vague captions and odd images here (CLIPMem > {StudyReference.MostMemorizedScore}).");

    public static Gallery LeastMemorized(ClipMemResult result, int count = 12, string split = "S_C") =>
        new($"Least memorized ({split}, bottom {count})", Tiles(result, Ranked(result, split).Reverse().Take(count)),
            "Typical, accurately captioned samples: f aligns them no better than g, which never saw them.");

    /// <summary>Every injected mis-captioned sample, most memorized first: the captions shown are the wrong ones f trained on.</summary>
    public static Gallery MiscaptionedSamples(ClipMemResult result)
    {
        var rows = Ranked(result).Where(r => r.Miscaptioned).ToList();
        int n = result.Rows.Count(r => r.Split == "S_C");
        return new($"Mis-captioned S_C samples ({rows.Count} injected)", Tiles(result, rows),
            $"Ranks among the {n} S_C samples: {string.Join(", ", rows.Select(r => r.Rank))}. The study finds wrong or vague captions among the most memorized.");
    }

    /// <summary>The atypical samples of a split (rare shape or colour, heavy noise, inverted colours), most memorized first.</summary>
    public static Gallery AtypicalSamples(ClipMemResult result, string split = "S_C", int count = 12)
    {
        var rows = Ranked(result, split).Where(r => r.Atypical && !r.Miscaptioned).ToList();
        return new($"Atypical {split} samples (top {Math.Min(count, rows.Count)} of {rows.Count})", Tiles(result, rows.Take(count)),
            "Atypical images are hard to learn from the rest of the data: the study finds them memorized (finding 3).");
    }

    /// <summary>A gallery of the given samples (e.g. the ids of a filtered score frame), in the order given.</summary>
    public static Gallery GalleryOf(ClipMemResult result, IEnumerable<string> sampleIds, string title, string? note = null, int limit = 24)
    {
        var rowById = result.Rows.ToDictionary(r => r.SampleId);
        var rows = sampleIds.Take(limit).Select(id => rowById.TryGetValue(id, out var r) ? r
            : throw new ArgumentException($"sample '{id}' is not in the run {result.RunDirectory}", nameof(sampleIds))).ToList();
        return new Gallery(title, Tiles(result, rows), note);
    }

    /// <summary>A gallery of the samples of a score frame (its sample_id column), in the frame's order.</summary>
    public static Gallery GalleryOf(ClipMemResult result, Microsoft.Data.Analysis.DataFrame frame, string title, string? note = null, int limit = 24) =>
        GalleryOf(result, ScoreFrame.SampleIds(frame), title, note, limit);

    /// <summary>Gallery tiles for score rows: the image f trained on, its captions (as f saw them), flags and score.</summary>
    /// <param name="images">Decoded images to reuse (the report passes the run's cache); a fresh cache when null.</param>
    public static IReadOnlyList<GalleryItem> Tiles(ClipMemResult result, IEnumerable<ScoreRow> rows, ImageCache? images = null)
    {
        images ??= new ImageCache(result.Data.Effective, result.Config.Data.Resolution);
        return rows.Select(r =>
        {
            var sample = result.Data.Effective[new SampleId(r.SampleId)];
            return new GalleryItem(sample.Id, images.Get(sample.Id), sample.Captions, r.Split, sample.Truth, sample.Labels, r.ClipMem);
        }).ToList();
    }
}
