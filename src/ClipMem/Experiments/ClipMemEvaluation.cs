using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Evaluation;
using ClipMem.Memorization;

namespace ClipMem.Experiments;

/// <summary>The numbers a run reports (summary.json). Split-keyed maps use S_S, S_C, S_I, S_E.</summary>
public sealed record ClipMemSummary(
    string Preset,
    string Dataset,
    ulong Seed,
    string AlignmentVariant,
    IReadOnlyDictionary<string, int> SplitSizes,
    IReadOnlyDictionary<string, double> ClipmemMean,
    IReadOnlyDictionary<string, double[]> ClipmemCi95,
    IReadOnlyDictionary<string, double> RawMean,
    IReadOnlyDictionary<string, double[]> RawCi95,
    double NormalisationRange,
    TTestResult TTestCandidatesVsIndependent,
    TTestResult TTestCandidatesVsShared,
    TTestResult TTestSharedVsIndependent,
    double CleanNormalisationRange,
    IReadOnlyDictionary<string, double> ClipmemMeanCleanRange,
    double CleanCandidatesMeanCleanRange,
    int MiscaptionCount,
    double MiscaptionAuroc,
    double MiscaptionPrecisionAtK,
    double MiscaptionMeanClipmem,
    double CleanCandidatesMeanClipmem,
    double AtypicalMeanClipmem,
    double TypicalMeanClipmem,
    double AtypicalityRankCorrelation,
    double ConceptFrequencyRankCorrelation,
    double? LinearProbeAcc,
    double? LinearProbeAccRandomInit,
    double? LinearProbeAccSupervised,
    double? ZeroShotAcc,
    string? ZeroShotAttribute,
    double? ZeroShotAttributeAcc,
    double RetrievalR1,
    IReadOnlyDictionary<string, double> Retrieval,
    string? ProbeTask,
    double WallSeconds,
    double TrainSeconds,
    double TrainSamplesPerSecond,
    RuntimeOptions Runtime,
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyDictionary<string, double>? PhaseSeconds = null,
    IReadOnlyList<UnitMemLayerSummary>? UnitMem = null)
{
    /// <summary>The three Welch tests by the split pair they compare, in the order reports give them.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<(string Pair, TTestResult Test)> WelchTests =>
        [("S_C vs S_I", TTestCandidatesVsIndependent), ("S_C vs S_S", TTestCandidatesVsShared), ("S_S vs S_I", TTestSharedVsIndependent)];
}

/// <summary>Turns f's and g's embeddings into the score table and the memorization statistics.</summary>
public sealed class ClipMemEvaluation(ExperimentConfig config, ExperimentData data, EmbeddingSet f, EmbeddingSet g)
{
    private const int AtypicalityNeighbours = 10;

    public IReadOnlyList<ScoreRow> ScoreRows()
    {
        var plan = data.Plan;
        var variant = config.Scoring.Alignment;
        var reference = plan.Members(Split.Extra).ToList();
        DeterministicRandom.For(config.Seed, "reference-pool").Shuffle(reference);
        reference = reference.Take(config.Scoring.ReferenceSize).ToList();

        var ids = Enum.GetValues<Split>().SelectMany(plan.Members).ToList();
        var scores = ClipMemScorer.Score(f, g, ids, reference, variant);
        var candidates = plan.Members(Split.Candidates).ToHashSet();
        double range = ClipMemScorer.Range(scores.Where(s => candidates.Contains(s.Id)).Select(s => s.Raw));
        var knn = KnnDistanceUnderG(ids, plan.Members(Split.Shared));
        var frequency = ConceptFrequency(ids, plan.Members(Split.Shared));

        var rows = scores.Select(s =>
        {
            var sample = data.Effective[s.Id];
            return new ScoreRow(s.Id.Value, plan.SplitOf(s.Id)!.Value.Short(), string.Join(" | ", sample.Captions),
                sample.Truth.IsMiscaptioned, sample.Truth.IsAtypical, sample.Truth.Reason ?? "",
                s.PositiveF, s.PositiveG, s.AlignF, s.AlignG, s.Raw, s.Raw / range, 0, knn[s.Id], frequency[s.Id]);
        }).ToList();
        // Rank within each split, 1 = most memorized.
        return rows.GroupBy(r => r.Split)
            .SelectMany(group => group.OrderByDescending(r => r.ClipMem).Select((r, i) => r with { Rank = i + 1 }))
            .OrderBy(r => r.Split).ThenBy(r => r.Rank).ToList();
    }

    /// <summary>
    /// Graded typicality from the ground truth: how many S_S samples share the sample's rarest concept (its
    /// labels: for the synthetic scenes every object kind and colour in the image). A concept seen in S_S only
    /// a few times cannot be generalised from (Feldman's long tail); NaN where the data carries no labels.
    /// </summary>
    private Dictionary<SampleId, double> ConceptFrequency(IReadOnlyList<SampleId> ids, IReadOnlyList<SampleId> shared)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in shared)
            foreach (var label in data.Pool[id].Labels)
                counts[label] = counts.GetValueOrDefault(label) + 1;
        return ids.ToDictionary(id => id, id => data.Pool[id].Labels is { Count: > 0 } labels
            ? labels.Min(l => (double)counts.GetValueOrDefault(l))
            : double.NaN);
    }

    public ClipMemSummary Summarize(IReadOnlyList<ScoreRow> rows, UtilityResult utility, double wallSeconds, double trainSeconds, double samplesPerSecond, RuntimeOptions runtime)
    {
        var bySplit = Enum.GetValues<Split>().ToDictionary(s => s.Short(), s => rows.Where(r => r.Split == s.Short()).ToList());
        var mean = new Dictionary<string, double>();
        var ci = new Dictionary<string, double[]>();
        var rawMean = new Dictionary<string, double>();
        var rawCi = new Dictionary<string, double[]>();
        foreach (var (split, splitRows) in bySplit)
        {
            var interval = Statistics.BootstrapMean(splitRows.Select(r => r.ClipMem).ToList(), config.Seed);
            var rawInterval = Statistics.BootstrapMean(splitRows.Select(r => r.Raw).ToList(), config.Seed);
            (mean[split], ci[split]) = (interval.Mean, [interval.Low, interval.High]);
            (rawMean[split], rawCi[split]) = (rawInterval.Mean, [rawInterval.Low, rawInterval.High]);
        }
        var candidates = bySplit["S_C"];
        var scores = candidates.Select(r => r.ClipMem).ToList();
        var injected = candidates.Select(r => r.Miscaptioned).ToList();
        bool anyInjected = injected.Any(x => x) && injected.Any(x => !x);
        var typical = candidates.Where(r => !r.Miscaptioned && !r.Atypical).ToList();
        var atypical = candidates.Where(r => r.Atypical && !r.Miscaptioned).ToList();
        var cleanCandidates = candidates.Where(r => !r.Miscaptioned).ToList();
        double range = candidates.Max(r => r.Raw) - candidates.Min(r => r.Raw);
        // The injected mis-captions set the S_C maximum; the study's COCO baseline mean (StudyReference.CocoCandidateMean) is over real COCO pairs, so
        // the same means are also given under the range of clean S_C alone.
        double cleanRange = cleanCandidates.Count > 1 ? cleanCandidates.Max(r => r.Raw) - cleanCandidates.Min(r => r.Raw) : double.NaN;
        var meanCleanRange = rawMean.ToDictionary(kv => kv.Key, kv => kv.Value / cleanRange);
        List<double> Scores(string split) => bySplit[split].Select(r => r.ClipMem).ToList();

        return new ClipMemSummary(
            config.Preset, config.Data.Dataset, config.Seed, config.Scoring.Alignment.ToString().ToLowerInvariant(),
            bySplit.ToDictionary(kv => kv.Key, kv => kv.Value.Count),
            mean, ci, rawMean, rawCi, range,
            Statistics.WelchTTest(Scores("S_C"), Scores("S_I")),
            Statistics.WelchTTest(Scores("S_C"), Scores("S_S")),
            Statistics.WelchTTest(Scores("S_S"), Scores("S_I")),
            cleanRange, meanCleanRange,
            cleanCandidates.Count == 0 ? double.NaN : cleanCandidates.Average(r => r.Raw) / cleanRange,
            injected.Count(x => x),
            anyInjected ? DetectionMetrics.Auroc(scores, injected) : double.NaN,
            anyInjected ? DetectionMetrics.PrecisionAtK(scores, injected) : double.NaN,
            MeanOrNaN(candidates.Where(r => r.Miscaptioned)),
            MeanOrNaN(cleanCandidates),
            MeanOrNaN(atypical),
            MeanOrNaN(typical),
            cleanCandidates.Count >= 3 ? Statistics.Spearman(cleanCandidates.Select(r => r.ClipMem).ToList(), cleanCandidates.Select(r => r.KnnDistanceUnderG).ToList()) : double.NaN,
            SpearmanOverLabelled(cleanCandidates),
            utility.LinearProbe, utility.LinearProbeRandomInit, utility.LinearProbeSupervised, utility.ZeroShot, utility.ZeroShotAttribute, utility.ZeroShotAttributeAcc,
            utility.Retrieval.GetValueOrDefault("image_to_text_R@1", double.NaN),
            utility.Retrieval, utility.ProbeDescription,
            wallSeconds, trainSeconds, samplesPerSecond, runtime, RunDirectory.Versions());
    }

    // Rare concepts should be memorized more: a negative correlation. NaN where the data has no labels.
    private static double SpearmanOverLabelled(IReadOnlyList<ScoreRow> rows)
    {
        var labelled = rows.Where(r => double.IsFinite(r.ConceptFrequency)).ToList();
        return labelled.Count >= 3 ? Statistics.Spearman(labelled.Select(r => r.ClipMem).ToList(), labelled.Select(r => r.ConceptFrequency).ToList()) : double.NaN;
    }

    /// <summary>
    /// The study's atypicality measure under g: mean cosine distance of a sample's image embedding to its
    /// 10 nearest S_S neighbours (a sample of S_S is not its own neighbour).
    /// </summary>
    private Dictionary<SampleId, double> KnnDistanceUnderG(IReadOnlyList<SampleId> ids, IReadOnlyList<SampleId> shared)
    {
        var distances = Evaluation.BlockedSimilarity.MeanDistanceToNearest(g.EvalImage, g.Dim, ids.Select(g.IndexOf).ToList(),
            shared.Select(g.IndexOf).ToList(), AtypicalityNeighbours);
        return ids.Select((id, n) => (id, n)).ToDictionary(p => p.id, p => distances[p.n]);
    }

    private static double MeanOrNaN(IEnumerable<ScoreRow> rows)
    {
        var list = rows.ToList();
        return list.Count == 0 ? double.NaN : list.Average(r => r.ClipMem);
    }
}
