using ClipMem.Evaluation;
using Microsoft.Data.Analysis;

namespace ClipMem.Experiments;

/// <summary>One sample scored in both runs. Scores of B are also put on A's normalisation range (PAPER.md section 3).</summary>
public sealed record ComparedSample(
    string SampleId, string Split, bool Miscaptioned, bool Atypical, string Captions,
    double RawA, double RawB, double ClipMemA, double ClipMemB, double ClipMemBOnRangeOfA)
{
    public double RawDifference => RawB - RawA;
}

/// <summary>
/// Two runs compared sample by sample. A sample is compared only when both runs hold it in the same split
/// with the same captions (as f trained on them): runs over other data or other splits share ids but not
/// samples. Normalised scores of different runs have different ranges, so the comparison is on raw
/// scores, and B's scores are re-normalised with A's range (never each with its own).
/// </summary>
public sealed class RunComparison
{
    public ClipMemResult A { get; }
    public ClipMemResult B { get; }
    public IReadOnlyList<ComparedSample> Samples { get; }

    /// <summary>Ids in A that B does not hold.</summary>
    public int OnlyInA { get; }

    /// <summary>Ids in B that A does not hold.</summary>
    public int OnlyInB { get; }

    /// <summary>Ids both hold but in another split or with other captions: not the same sample.</summary>
    public int Mismatched { get; }

    private RunComparison(ClipMemResult a, ClipMemResult b, IReadOnlyList<ComparedSample> samples, int onlyInA, int onlyInB, int mismatched)
    {
        (A, B, Samples, OnlyInA, OnlyInB, Mismatched) = (a, b, samples, onlyInA, onlyInB, mismatched);
    }

    public static RunComparison Of(ClipMemResult a, ClipMemResult b)
    {
        var byId = b.Rows.ToDictionary(r => r.SampleId);
        double rangeA = a.Summary.NormalisationRange;
        var samples = new List<ComparedSample>();
        int mismatched = 0;
        foreach (var ra in a.Rows)
        {
            if (!byId.TryGetValue(ra.SampleId, out var rb)) continue;
            if (rb.Split != ra.Split || rb.Captions != ra.Captions) { mismatched++; continue; }
            samples.Add(new ComparedSample(ra.SampleId, ra.Split, ra.Miscaptioned, ra.Atypical, ra.Captions,
                ra.Raw, rb.Raw, ra.ClipMem, rb.ClipMem, rb.Raw / rangeA));
        }
        var idsA = a.Rows.Select(r => r.SampleId).ToHashSet();
        return new RunComparison(a, b, samples, idsA.Count(id => !byId.ContainsKey(id)), byId.Keys.Count(id => !idsA.Contains(id)), mismatched);
    }

    /// <summary>Spearman rank correlation of the raw scores over the compared samples of a split (all when null).</summary>
    public double RankCorrelation(string? split = "S_C")
    {
        var s = InSplit(split);
        return s.Count < 3 ? double.NaN : Statistics.Spearman(s.Select(x => x.RawA).ToList(), s.Select(x => x.RawB).ToList());
    }

    /// <summary>Mean raw score per split in A and in B over the compared samples, and B − A.</summary>
    public DataFrame SplitMeans()
    {
        var splits = Data.Splits.SplitNames.InPatternOrder.Where(sp => Samples.Any(x => x.Split == sp)).ToList();
        return new DataFrame(
            new StringDataFrameColumn("split", splits),
            new Int32DataFrameColumn("compared", splits.Select(sp => InSplit(sp).Count)),
            new DoubleDataFrameColumn("mean_raw_a", splits.Select(sp => InSplit(sp).Average(x => x.RawA))),
            new DoubleDataFrameColumn("mean_raw_b", splits.Select(sp => InSplit(sp).Average(x => x.RawB))),
            new DoubleDataFrameColumn("mean_difference", splits.Select(sp => InSplit(sp).Average(x => x.RawDifference))),
            new DoubleDataFrameColumn("mean_clipmem_a", splits.Select(sp => InSplit(sp).Average(x => x.ClipMemA))),
            new DoubleDataFrameColumn("mean_clipmem_b_on_range_of_a", splits.Select(sp => InSplit(sp).Average(x => x.ClipMemBOnRangeOfA))),
            new DoubleDataFrameColumn("spearman_raw", splits.Select(sp => RankCorrelation(sp))));
    }

    /// <summary>The compared samples of a split as a frame, largest change (B − A, raw) first.</summary>
    public DataFrame ToDataFrame(string? split = null)
    {
        var s = InSplit(split).OrderByDescending(x => Math.Abs(x.RawDifference)).ToList();
        return new DataFrame(
            new StringDataFrameColumn("sample_id", s.Select(x => x.SampleId)),
            new StringDataFrameColumn("split", s.Select(x => x.Split)),
            new DoubleDataFrameColumn("raw_a", s.Select(x => x.RawA)),
            new DoubleDataFrameColumn("raw_b", s.Select(x => x.RawB)),
            new DoubleDataFrameColumn("raw_difference", s.Select(x => x.RawDifference)),
            new DoubleDataFrameColumn("clipmem_a", s.Select(x => x.ClipMemA)),
            new DoubleDataFrameColumn("clipmem_b_on_range_of_a", s.Select(x => x.ClipMemBOnRangeOfA)),
            new BooleanDataFrameColumn("miscaptioned", s.Select(x => x.Miscaptioned)),
            new BooleanDataFrameColumn("atypical", s.Select(x => x.Atypical)),
            new StringDataFrameColumn("captions", s.Select(x => x.Captions)));
    }

    /// <summary>The compared samples of a split (all when null).</summary>
    public List<ComparedSample> InSplit(string? split) => Samples.Where(x => split is null || x.Split == split).ToList();
}
