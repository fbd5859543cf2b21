using ClipMem.Evaluation;

namespace ClipMem.Experiments.Paradigms;

/// <summary>One sample's score under one paradigm, with the ground truth the comparison groups by.</summary>
public sealed record ComparedScore(string SampleId, string Split, double Normalised, bool Injected, bool Atypical);

/// <summary>
/// What one paradigm's scores say about the study's finding 4 in one run: the split means, and how the injected samples
/// (mis-captions for CLIP, flipped labels for the supervised ViT, ordinary images for DINO) and the atypical ones rank
/// within S_C, the samples f trained on.
/// </summary>
/// <param name="InjectedAuroc">AUROC of the score for "injected" among S_C: 1 = every injected sample above every clean one.</param>
/// <param name="AtypicalAuroc">AUROC for "atypical" among S_C's clean samples.</param>
/// <param name="CandidatesVsIndependent">Welch's t-test of S_C's scores against S_I's (the authors' SSLMem analysis); null without two of each.</param>
public sealed record ParadigmScoreSummary(string Paradigm, IReadOnlyDictionary<string, double> SplitMeans, double InjectedMean, double CleanCandidatesMean,
    double AtypicalMean, double TypicalMean, double InjectedAuroc, double AtypicalAuroc, TTestResult? CandidatesVsIndependent = null)
{
    /// <summary>Mean S_C less mean S_I: the leave-set-out gap (NaN when a split is missing).</summary>
    public double Gap => SplitMeans.TryGetValue("S_C", out var c) && SplitMeans.TryGetValue("S_I", out var i) ? c - i : double.NaN;
}

/// <summary>How two paradigms rank the same S_C samples: Spearman correlation and the overlap of their top 5%.</summary>
public sealed record ParadigmAgreement(string First, string Second, double Spearman, double TopShareOverlap, int TopCount);

/// <summary>The comparison's arithmetic, over scores already computed (PAPER.md finding 4; issue: the comparison).</summary>
public static class ParadigmComparison
{
    public const double TopShare = 0.05;

    public static ParadigmScoreSummary Summarize(string paradigm, IReadOnlyList<ComparedScore> scores)
    {
        var means = scores.GroupBy(s => s.Split).ToDictionary(g => g.Key, g => g.Average(s => s.Normalised));
        var candidates = scores.Where(s => s.Split == "S_C").ToList();
        if (candidates.Count == 0) throw new ArgumentException($"{paradigm}: no S_C scores to compare.");
        var clean = candidates.Where(s => !s.Injected).ToList();
        static double MeanOr(IEnumerable<ComparedScore> s) => s.Select(x => x.Normalised).DefaultIfEmpty(double.NaN).Average();
        double Auroc(IReadOnlyList<ComparedScore> within, Func<ComparedScore, bool> positive) =>
            within.Any(positive) && !within.All(positive) ? DetectionMetrics.Auroc(within.Select(s => s.Normalised).ToList(), within.Select(positive).ToList()) : double.NaN;
        var independent = scores.Where(s => s.Split == "S_I").Select(s => s.Normalised).ToList();
        var test = candidates.Count > 1 && independent.Count > 1 ? Statistics.WelchTTest(candidates.Select(s => s.Normalised).ToList(), independent) : null;
        return new ParadigmScoreSummary(paradigm, means, MeanOr(candidates.Where(s => s.Injected)), MeanOr(clean),
            MeanOr(clean.Where(s => s.Atypical)), MeanOr(clean.Where(s => !s.Atypical)), Auroc(candidates, s => s.Injected), Auroc(clean, s => s.Atypical), test);
    }

    /// <summary>Agreement of two paradigms on the S_C samples both scored.</summary>
    public static ParadigmAgreement Agreement(string first, IReadOnlyList<ComparedScore> a, string second, IReadOnlyList<ComparedScore> b)
    {
        var other = b.Where(s => s.Split == "S_C").ToDictionary(s => s.SampleId, s => s.Normalised);
        var pairs = a.Where(s => s.Split == "S_C" && other.ContainsKey(s.SampleId)).Select(s => (s.SampleId, A: s.Normalised, B: other[s.SampleId])).ToList();
        if (pairs.Count < 3) throw new ArgumentException($"{first} and {second} share {pairs.Count} S_C samples: too few to compare.");
        int top = Math.Max(1, (int)Math.Round(TopShare * pairs.Count));
        var topA = pairs.OrderByDescending(p => p.A).ThenBy(p => p.SampleId, StringComparer.Ordinal).Take(top).Select(p => p.SampleId).ToHashSet();
        var topB = pairs.OrderByDescending(p => p.B).ThenBy(p => p.SampleId, StringComparer.Ordinal).Take(top).Select(p => p.SampleId).ToHashSet();
        return new ParadigmAgreement(first, second, Statistics.Spearman(pairs.Select(p => p.A).ToList(), pairs.Select(p => p.B).ToList()),
            topA.Intersect(topB).Count() / (double)top, top);
    }

    /// <summary>Every pair of paradigms, in the order given.</summary>
    public static IReadOnlyList<ParadigmAgreement> Agreements(IReadOnlyList<(string Paradigm, IReadOnlyList<ComparedScore> Scores)> runs) =>
        [.. from i in Enumerable.Range(0, runs.Count) from j in Enumerable.Range(i + 1, runs.Count - i - 1)
            select Agreement(runs[i].Paradigm, runs[i].Scores, runs[j].Paradigm, runs[j].Scores)];
}
