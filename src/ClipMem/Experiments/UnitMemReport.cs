using System.Globalization;
using System.Text;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Memorization;
using ClipMem.Models;

namespace ClipMem.Experiments;

/// <summary>
/// One layer of an image tower under UnitMem: its mean with either rest statistic and who its units' top samples are.
/// The shares count live units whose most-activating sample is mis-captioned, atypical, or from S_C.
/// </summary>
public sealed record UnitMemLayerSummary(int Layer, double MeanMedianRest, double MeanMeanRest, int Units, int DeadUnits,
    double TopSampleMiscaptionedShare, double TopSampleAtypicalShare, double TopSampleCandidatesShare);

/// <summary>
/// UnitMem of a trained tower in a run (PAPER.md section 5, finding 4): the samples, the measurement, unitmem.csv
/// (one row per unit) and the per-layer summary.
/// </summary>
public static class UnitMemReport
{
    public const string FileName = "unitmem.csv";

    /// <summary>
    /// The samples UnitMem looks for: all of S_C (f's own samples, the injected mis-captions among them) and as
    /// many of S_S, drawn with the run seed. Both are f's training data, as UnitMem is defined on; the maximum over
    /// units then says whether S_C's samples, which only f saw, claim units of their own.
    /// </summary>
    public static IReadOnlyList<SampleId> Samples(SplitPlan plan, ulong seed)
    {
        var candidates = plan.Members(Split.Candidates);
        var shared = plan.Members(Split.Shared).ToList();
        DeterministicRandom.For(seed, "unitmem-samples").Shuffle(shared);
        return candidates.Concat(shared.Take(candidates.Count)).ToList();
    }

    /// <summary>Measures UnitMem of <paramref name="tower"/> over <see cref="Samples"/>, writes unitmem.csv to <paramref name="path"/>, returns the layers.</summary>
    public static IReadOnlyList<UnitMemLayerSummary> Measure(VisionTransformer tower, UnitMemMeasurement measurement, ExperimentData data, ulong seed, string path)
    {
        var ids = Samples(data.Plan, seed);
        var tables = measurement.Activations(tower, ids);
        var median = UnitMemMeasurement.Layers(tables, tower, ids.Count, UnitMemRest.Median);
        var mean = UnitMemMeasurement.Layers(tables, tower, ids.Count, UnitMemRest.Mean);
        AtomicFile.WriteAllText(path, Csv(median, mean, ids, data));
        return median.Zip(mean, (m, a) => Summarize(m, a, ids, data)).ToList();
    }

    private static UnitMemLayerSummary Summarize(UnitMemLayer median, UnitMemLayer mean, IReadOnlyList<SampleId> ids, ExperimentData data)
    {
        var live = Enumerable.Range(0, median.Scores.Length).Where(u => !double.IsNaN(median.Scores[u])).ToList();
        double Share(Func<SampleId, bool> property) =>
            live.Count == 0 ? double.NaN : live.Count(u => property(ids[median.MaxSample[u]])) / (double)live.Count;
        return new UnitMemLayerSummary(median.Layer, median.Mean, mean.Mean, median.Scores.Length, median.DeadUnits,
            Share(id => data.Effective[id].Truth.IsMiscaptioned), Share(id => data.Effective[id].Truth.IsAtypical),
            Share(id => data.Plan.SplitOf(id) == Split.Candidates));
    }

    private static string Csv(IReadOnlyList<UnitMemLayer> median, IReadOnlyList<UnitMemLayer> mean, IReadOnlyList<SampleId> ids, ExperimentData data)
    {
        static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
        var csv = new StringBuilder("layer,unit,unitmem_median_rest,unitmem_mean_rest,top_sample_id,top_sample_split,top_sample_miscaptioned,top_sample_atypical\n");
        for (int layer = 0; layer < median.Count; layer++)
            for (int unit = 0; unit < median[layer].Scores.Length; unit++)
            {
                var top = ids[median[layer].MaxSample[unit]];
                var truth = data.Effective[top].Truth;
                csv.Append(CultureInfo.InvariantCulture, $"{layer},{unit},{F(median[layer].Scores[unit])},{F(mean[layer].Scores[unit])},{top.Value},")
                   .Append(CultureInfo.InvariantCulture, $"{data.Plan.SplitOf(top)!.Value.Short()},{(truth.IsMiscaptioned ? "true" : "false")},{(truth.IsAtypical ? "true" : "false")}\n");
            }
        return csv.ToString();
    }
}
