using System.Text.Json.Serialization;
using ClipMem.Evaluation;
using ClipMem.Training;

namespace ClipMem.Experiments.Mitigations;

/// <summary>
/// One setting of a mitigation experiment at one seed. Memorization is on the experiment baseline's clean-S_C range at
/// the same seed (one common normaliser), so settings are compared on one scale; the paired difference is over the
/// same S_C samples, scored on the same captions and views. Columns of mitigation_runs.csv / .parquet.
/// </summary>
public sealed record MitigationRow(
    [property: JsonPropertyName("experiment")] string Experiment,
    [property: JsonPropertyName("series")] string Series,
    [property: JsonPropertyName("setting")] string Setting,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("run_directory")] string RunDirectory,
    [property: JsonPropertyName("normaliser")] double Normaliser,
    [property: JsonPropertyName("sc_count")] int CandidateCount,
    [property: JsonPropertyName("sc_mean")] double CandidatesMean,
    [property: JsonPropertyName("sc_low")] double CandidatesLow,
    [property: JsonPropertyName("sc_high")] double CandidatesHigh,
    [property: JsonPropertyName("clean_sc_mean")] double CleanCandidatesMean,
    [property: JsonPropertyName("ss_mean")] double SharedMean,
    [property: JsonPropertyName("si_mean")] double IndependentMean,
    [property: JsonPropertyName("sc_minus_baseline")] double CandidatesMinusBaseline,
    [property: JsonPropertyName("sc_minus_baseline_low")] double CandidatesMinusBaselineLow,
    [property: JsonPropertyName("sc_minus_baseline_high")] double CandidatesMinusBaselineHigh,
    [property: JsonPropertyName("paired_p")] double PairedP,
    [property: JsonPropertyName("miscaption_auroc")] double MiscaptionAuroc,
    [property: JsonPropertyName("linear_probe")] double LinearProbe,
    [property: JsonPropertyName("linear_probe_random_init")] double LinearProbeRandomInit,
    [property: JsonPropertyName("linear_probe_supervised")] double LinearProbeSupervised,
    [property: JsonPropertyName("retrieval_r1")] double RetrievalR1,
    [property: JsonPropertyName("text_embedding_rms")] double TextEmbeddingRms,
    [property: JsonPropertyName("sigma_relative")] double SigmaRelative,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds)
{
    /// <summary>
    /// The row of <paramref name="result"/> against its experiment's <paramref name="baseline"/> run at the same seed (the
    /// baseline itself gives a difference of 0 with a degenerate interval and p = 1).
    /// </summary>
    public static MitigationRow From(MitigationSetting setting, ClipMemResult result, ClipMemResult baseline)
    {
        if (result.Config.Seed != baseline.Config.Seed)
            throw new ArgumentException($"{result.RunDirectory} (seed {result.Config.Seed}) is compared with a baseline of seed {baseline.Config.Seed}.");
        double range = baseline.Summary.CleanNormalisationRange;
        ulong seed = result.Config.Seed;
        List<double> Split(ClipMemResult run, string split, bool cleanOnly = false) =>
            run.Rows.Where(r => r.Split == split && !(cleanOnly && r.Miscaptioned)).OrderBy(r => r.SampleId, StringComparer.Ordinal).Select(r => r.Raw / range).ToList();
        var candidates = Split(result, "S_C");
        var baselineCandidates = Split(baseline, "S_C");
        if (candidates.Count != baselineCandidates.Count)
            throw new ArgumentException($"{result.RunDirectory} has {candidates.Count} S_C samples, its baseline {baselineCandidates.Count}: the splits differ.");
        var interval = Statistics.BootstrapMean(candidates, seed);
        var differences = candidates.Zip(baselineCandidates, (a, b) => a - b).ToList();
        bool isBaseline = differences.All(d => d == 0);
        var difference = isBaseline ? new ConfidenceInterval(0, 0, 0) : Statistics.BootstrapMean(differences, seed);
        double p = isBaseline ? 1 : Statistics.PairedTTest(candidates, baselineCandidates).PValue;

        var s = result.Summary;
        double rms = LastTextEmbeddingRms(result.RunDirectory);
        double sigma = result.Config.Mitigation<TextEmbeddingNoise>()?.Sigma ?? 0;
        return new MitigationRow(setting.Experiment, setting.Line, setting.Label, setting.Value, (long)seed, result.RunDirectory, range, candidates.Count,
            interval.Mean, interval.Low, interval.High, Split(result, "S_C", cleanOnly: true).Average(), Split(result, "S_S").Average(), Split(result, "S_I").Average(),
            difference.Mean, difference.Low, difference.High, p, s.MiscaptionAuroc,
            s.LinearProbeAcc ?? double.NaN, s.LinearProbeAccRandomInit ?? double.NaN, s.LinearProbeAccSupervised ?? double.NaN, s.RetrievalR1,
            rms, sigma / rms, s.WallSeconds);
    }

    /// <summary>f's projected text-embedding RMS at its last epoch: the scale sigma is relative to (finding 7's decision).</summary>
    private static double LastTextEmbeddingRms(string runDirectory)
    {
        var history = TrainingHistory.Read(Path.Combine(runDirectory, "f", "metrics.jsonl"));
        return history[^1]["text_embedding_rms"];
    }
}

/// <summary>
/// One setting over its seeds (mitigation_summary.csv / .parquet): the mean of the per-seed values, their spread
/// (standard deviation over seeds) and a Student-t interval over seeds for memorization, the paired difference and utility.
/// </summary>
public sealed record MitigationSummaryRow(
    [property: JsonPropertyName("experiment")] string Experiment,
    [property: JsonPropertyName("series")] string Series,
    [property: JsonPropertyName("setting")] string Setting,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("seeds")] int Seeds,
    [property: JsonPropertyName("sc_mean")] double CandidatesMean,
    [property: JsonPropertyName("sc_seed_sd")] double CandidatesSeedSd,
    [property: JsonPropertyName("sc_minus_baseline")] double CandidatesMinusBaseline,
    [property: JsonPropertyName("sc_minus_baseline_low")] double CandidatesMinusBaselineLow,
    [property: JsonPropertyName("sc_minus_baseline_high")] double CandidatesMinusBaselineHigh,
    [property: JsonPropertyName("linear_probe")] double LinearProbe,
    [property: JsonPropertyName("linear_probe_seed_sd")] double LinearProbeSeedSd,
    [property: JsonPropertyName("linear_probe_minus_baseline")] double LinearProbeMinusBaseline,
    [property: JsonPropertyName("linear_probe_minus_baseline_low")] double LinearProbeMinusBaselineLow,
    [property: JsonPropertyName("linear_probe_minus_baseline_high")] double LinearProbeMinusBaselineHigh,
    [property: JsonPropertyName("retrieval_r1")] double RetrievalR1,
    [property: JsonPropertyName("miscaption_auroc")] double MiscaptionAuroc,
    [property: JsonPropertyName("sigma_relative")] double SigmaRelative)
{
    /// <summary>
    /// Groups the rows by setting, in the order they first appear. Differences to the baseline are taken per seed and
    /// then averaged, with a Student-t interval over seeds; one seed has no spread, so its bounds are NaN (n/a).
    /// </summary>
    public static IReadOnlyList<MitigationSummaryRow> Of(IReadOnlyList<MitigationRow> rows)
    {
        var baselineProbe = rows.GroupBy(r => r.Experiment).ToDictionary(g => g.Key,
            g => g.Where(r => r.Value == g.First().Value).ToDictionary(r => r.Seed, r => r.LinearProbe));
        static double Sd(IReadOnlyList<double> v) => v.Count < 2 ? double.NaN : Math.Sqrt(Statistics.Variance(v));
        return rows.GroupBy(r => (r.Experiment, r.Series, r.Setting)).Select(g =>
        {
            var seeds = g.ToList();
            var memorization = seeds.Select(r => r.CandidatesMean).ToList();
            var probe = seeds.Select(r => r.LinearProbe).ToList();
            var difference = OverSeeds(seeds.Select(r => r.CandidatesMinusBaseline).ToList());
            var probeDifference = OverSeeds(seeds.Select(r => r.LinearProbe - baselineProbe[r.Experiment][r.Seed]).ToList());
            return new MitigationSummaryRow(g.Key.Experiment, g.Key.Series, g.Key.Setting, seeds[0].Value, seeds.Count,
                memorization.Average(), Sd(memorization), difference.Mean, difference.Low, difference.High,
                probe.Average(), Sd(probe), probeDifference.Mean, probeDifference.Low, probeDifference.High,
                seeds.Average(r => r.RetrievalR1), seeds.Average(r => r.MiscaptionAuroc), seeds.Average(r => r.SigmaRelative));
        }).ToList();
    }

    private static ConfidenceInterval OverSeeds(IReadOnlyList<double> values) =>
        values.Count < 2 ? new ConfidenceInterval(values.Average(), double.NaN, double.NaN) : Statistics.StudentTMean(values);
}
