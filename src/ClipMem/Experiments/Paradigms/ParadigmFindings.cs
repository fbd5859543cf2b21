using ClipMem.Evaluation;

namespace ClipMem.Experiments.Paradigms;

/// <summary>One measure of one paradigm over the seeds: its mean with a Student-t 95% interval.</summary>
public sealed record SeedInterval(double Mean, double Low, double High, int Seeds)
{
    public static SeedInterval Of(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        if (list.Count == 0) return new SeedInterval(double.NaN, double.NaN, double.NaN, 0);
        var ci = Statistics.StudentTMean(list);
        return new SeedInterval(ci.Mean, ci.Low, ci.High, list.Count);
    }

    public bool Above(double value) => Seeds > 1 && Low > value;

    public override string ToString() => Seeds > 1 ? $"{Mean:F3} [{Low:F3}, {High:F3}]" : $"{Mean:F3}";
}

/// <summary>
/// The study's finding 4 over the seeds (PAPER.md): UnitMem rises least from the first to the last layer under SSL, most
/// under SL, CLIP between; CLIP ranks the injected samples high like SL (and unlike SSL, for which they are ordinary
/// images); CLIP ranks atypical samples high like SSL. Each verdict is read from the intervals over seeds, and says so.
/// </summary>
public static class ParadigmFindings
{
    /// <summary>UnitMem of the last layer minus the first (median rest), per seed.</summary>
    public static double UnitMemRise(ParadigmRun run) => run.UnitMem[^1].MeanMedianRest - run.UnitMem[0].MeanMedianRest;

    public static IReadOnlyDictionary<string, SeedInterval> Measure(IReadOnlyList<ParadigmRun> runs, Func<ParadigmRun, double> measure) =>
        runs.GroupBy(r => r.Paradigm).ToDictionary(g => g.Key, g => SeedInterval.Of(g.Select(measure)));

    /// <summary>The three parts of finding 4 as sentences: holds, does not hold, or cannot be told apart at these seeds.</summary>
    public static IReadOnlyList<string> Verdicts(ParadigmStudyResult result)
    {
        var verdicts = new List<string>();
        var rise = Measure(result.Runs, UnitMemRise);
        var injected = Measure(result.Runs, r => r.Scores.InjectedAuroc);
        var atypical = Measure(result.Runs, r => r.Scores.AtypicalAuroc);
        string clip = ClipParadigm.ParadigmName, ssl = DinoParadigm.ParadigmName, sl = SupervisedParadigm.ParadigmName;
        // An interval needs two seeds; from one, a verdict would be read from a single draw.
        static string Judge(string claim, IEnumerable<SeedInterval> used, Func<string> verdict) =>
            used.All(i => i.Seeds > 1) ? $"{claim}: {verdict()}" : $"{claim}: not judged, an interval needs 2 or more seeds";
        if (rise.TryGetValue(clip, out var c) && rise.TryGetValue(ssl, out var s) && rise.TryGetValue(sl, out var l))
            verdicts.Add(Judge($"UnitMem shapes (rise from the first to the last layer; study: SSL +0.037, CLIP +0.139, SL +0.212): SSL {s}, CLIP {c}, SL {l}",
                [s, c, l], () => s.Mean < c.Mean && c.Mean < l.Mean
                    ? s.High < c.Low && c.High < l.Low ? "holds, intervals apart" : "holds in the means, intervals overlap"
                    : "does not hold"));
        if (injected.TryGetValue(clip, out var ci) && injected.TryGetValue(sl, out var li) && injected.TryGetValue(ssl, out var si))
            verdicts.Add(Judge($"CLIP like SL on mis-captions (AUROC of the injected samples within S_C): CLIP {ci}, SL {li}, SSL {si}",
                [ci, li, si], () => ci.Above(0.5) && li.Above(0.5)
                    ? si.Above(0.5) && si.Mean >= Math.Min(ci.Mean, li.Mean) ? "CLIP and SL rank them high, but so does SSL" : "holds"
                    : "does not hold"));
        if (atypical.TryGetValue(clip, out var ca) && atypical.TryGetValue(ssl, out var sa) && atypical.TryGetValue(sl, out var la))
            verdicts.Add(Judge($"CLIP like SSL on atypical samples (AUROC of atypical among clean S_C): CLIP {ca}, SSL {sa}, SL {la}",
                [ca, sa, la], () => ca.Above(0.5) && sa.Above(0.5) ? "holds" : "does not hold"));
        return verdicts;
    }

    /// <summary>paradigms.json: every run, every agreement, the per-paradigm intervals over seeds and the verdicts.</summary>
    public static object Document(ParadigmStudyResult result) => new
    {
        runs = result.Runs,
        agreements = result.Agreements.Select(a => new { seed = a.Seed, a.Agreement.First, a.Agreement.Second, a.Agreement.Spearman, a.Agreement.TopShareOverlap, a.Agreement.TopCount }),
        over_seeds = new
        {
            gap_sc_minus_si = Measure(result.Runs, r => r.Scores.Gap),
            unitmem_rise = Measure(result.Runs, UnitMemRise),
            unitmem_per_layer = result.Runs.GroupBy(r => r.Paradigm).ToDictionary(g => g.Key,
                g => Enumerable.Range(0, g.First().UnitMem.Count).Select(layer => SeedInterval.Of(g.Select(r => r.UnitMem[layer].MeanMedianRest))).ToList()),
            injected_auroc = Measure(result.Runs, r => r.Scores.InjectedAuroc),
            atypical_auroc = Measure(result.Runs, r => r.Scores.AtypicalAuroc),
            linear_probe = Measure(result.Runs, r => r.LinearProbe ?? double.NaN),
            training_seconds = Measure(result.Runs, r => r.TrainingSeconds),
            agreement_spearman = result.Agreements.GroupBy(a => $"{a.Agreement.First}~{a.Agreement.Second}").ToDictionary(g => g.Key, g => SeedInterval.Of(g.Select(a => a.Agreement.Spearman))),
            agreement_top_overlap = result.Agreements.GroupBy(a => $"{a.Agreement.First}~{a.Agreement.Second}").ToDictionary(g => g.Key, g => SeedInterval.Of(g.Select(a => a.Agreement.TopShareOverlap))),
        },
        verdicts = Verdicts(result),
    };
}
