using ClipMem.Experiments;
using Plotly.NET;

namespace ClipMem.Reporting;

/// <summary>What the score-exploration notebook shows of two runs compared sample by sample.</summary>
public static class ComparisonViews
{
    /// <summary>
    /// Raw score in A against raw score in B, one point per compared sample of the split, with the diagonal.
    /// Without names, each run is named by its mitigations (what usually tells two runs of a preset apart).
    /// </summary>
    public static GenericChart Scatter(this RunComparison comparison, string split = "S_C", string? nameA = null, string? nameB = null)
    {
        nameA ??= $"A ({comparison.A.Config.DescribeMitigations()})";
        nameB ??= $"B ({comparison.B.Config.DescribeMitigations()})";
        var samples = comparison.InSplit(split);
        var traces = samples.GroupBy(x => SampleKind.Of(x.Miscaptioned, x.Atypical)).OrderBy(g => g.Key.Order)
            .Select(g => Charts.Points(g.Key.Label, g.Select(x => x.RawA), g.Select(x => x.RawB), g.Select(x => x.SampleId), g.Key.Color)).ToList();
        if (samples.Count > 0)
        {
            double lo = samples.Min(x => Math.Min(x.RawA, x.RawB)), hi = samples.Max(x => Math.Max(x.RawA, x.RawB));
            traces.Add(Charts.Line("B = A", [lo, hi], [lo, hi], "#777", dashed: true));
        }
        return Charts.Figure($"Raw CLIPMem per {split} sample: {nameA} vs {nameB} (Spearman {comparison.RankCorrelation(split):F2})",
            $"raw score, {nameA}", $"raw score, {nameB}", traces, height: 420);
    }
}
