using Microsoft.Data.Analysis;

namespace ClipMem.Experiments;

/// <summary>
/// The score table as a Microsoft.Data.Analysis <see cref="DataFrame"/>, for exploring a run in a notebook:
/// the frame's own Filter / OrderBy / GroupBy work on it, and <see cref="Search"/> and <see cref="Where"/>
/// cover the questions researchers ask most.
/// </summary>
public static class ScoreFrame
{
    /// <summary>One row per sample; columns as in scores.csv plus the mean words per caption.</summary>
    public static DataFrame From(IEnumerable<ScoreRow> rows)
    {
        var list = rows.ToList();
        return new DataFrame(
            new StringDataFrameColumn("sample_id", list.Select(r => r.SampleId)),
            new StringDataFrameColumn("split", list.Select(r => r.Split)),
            new DoubleDataFrameColumn("clipmem", list.Select(r => r.ClipMem)),
            new DoubleDataFrameColumn("raw", list.Select(r => r.Raw)),
            new Int32DataFrameColumn("rank", list.Select(r => r.Rank)),
            new BooleanDataFrameColumn("miscaptioned", list.Select(r => r.Miscaptioned)),
            new BooleanDataFrameColumn("atypical", list.Select(r => r.Atypical)),
            new StringDataFrameColumn("reason", list.Select(r => r.Reason)),
            new DoubleDataFrameColumn("align_f", list.Select(r => r.AlignF)),
            new DoubleDataFrameColumn("align_g", list.Select(r => r.AlignG)),
            new DoubleDataFrameColumn("positive_f", list.Select(r => r.PositiveF)),
            new DoubleDataFrameColumn("positive_g", list.Select(r => r.PositiveG)),
            new DoubleDataFrameColumn("knn_distance_g", list.Select(r => r.KnnDistanceUnderG)),
            new DoubleDataFrameColumn("concept_frequency", list.Select(r => r.ConceptFrequency)),
            new DoubleDataFrameColumn("caption_words", list.Select(r => CaptionWords(r.Captions))),
            new StringDataFrameColumn("captions", list.Select(r => r.Captions)));
    }

    public static DataFrame From(ClipMemResult result) => From(result.Rows);

    /// <summary>Rows whose captions contain every given word (case-insensitive), most memorized first.</summary>
    public static DataFrame Search(DataFrame frame, string words)
    {
        var terms = words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var captions = (StringDataFrameColumn)frame["captions"];
        var match = new BooleanDataFrameColumn("match", captions.Select(c => c is not null && terms.All(t => c.Contains(t, StringComparison.OrdinalIgnoreCase))));
        return frame.Filter(match).OrderByDescending("clipmem");
    }

    /// <summary>Rows of one split (any when null), optionally only mis-captioned / atypical ones, with CLIPMem at least <paramref name="minClipMem"/>; most memorized first.</summary>
    public static DataFrame Where(DataFrame frame, string? split = null, bool? miscaptioned = null, bool? atypical = null, double minClipMem = double.NegativeInfinity)
    {
        long n = frame.Rows.Count;
        var splits = (StringDataFrameColumn)frame["split"];
        var mis = (BooleanDataFrameColumn)frame["miscaptioned"];
        var aty = (BooleanDataFrameColumn)frame["atypical"];
        var score = (DoubleDataFrameColumn)frame["clipmem"];
        var keep = new BooleanDataFrameColumn("keep", n);
        for (long i = 0; i < n; i++)
            keep[i] = (split is null || splits[i] == split) && (miscaptioned is null || mis[i] == miscaptioned) &&
                      (atypical is null || aty[i] == atypical) && score[i] >= minClipMem;
        return frame.Filter(keep).OrderByDescending("clipmem");
    }

    /// <summary>Mean, count and spread of CLIPMem per split (and flag), as a frame.</summary>
    public static DataFrame SplitStatistics(IEnumerable<ScoreRow> rows)
    {
        var groups = rows.GroupBy(r => (r.Split, Kind: r.Miscaptioned ? "mis-captioned" : r.Atypical ? "atypical" : "clean"))
            .OrderBy(g => Data.Splits.SplitNames.InPatternOrder.ToList().IndexOf(g.Key.Split)).ThenBy(g => g.Key.Kind).ToList();
        return new DataFrame(
            new StringDataFrameColumn("split", groups.Select(g => g.Key.Split)),
            new StringDataFrameColumn("samples", groups.Select(g => g.Key.Kind)),
            new Int32DataFrameColumn("n", groups.Select(g => g.Count())),
            new DoubleDataFrameColumn("mean_clipmem", groups.Select(g => g.Average(r => r.ClipMem))),
            new DoubleDataFrameColumn("min_clipmem", groups.Select(g => g.Min(r => r.ClipMem))),
            new DoubleDataFrameColumn("max_clipmem", groups.Select(g => g.Max(r => r.ClipMem))),
            new DoubleDataFrameColumn("mean_raw", groups.Select(g => g.Average(r => r.Raw))));
    }

    /// <summary>The sample ids of a frame's rows, in order.</summary>
    public static IEnumerable<string> SampleIds(DataFrame frame) =>
        frame.Columns.IndexOf("sample_id") >= 0 ? ((StringDataFrameColumn)frame["sample_id"]).Select(id => id ?? "")
            : throw new ArgumentException("the frame has no sample_id column", nameof(frame));

    /// <summary>Mean words per caption of a sample (the score table joins a sample's captions with " | ").</summary>
    public static double CaptionWords(string captions) =>
        captions.Split(" | ").Average(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
}
