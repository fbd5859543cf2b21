using ClipMem.Data;
using ClipMem.Experiments;
using ClipMem.Experiments.Paradigms;

namespace ClipMem.Tests.Experiments;

/// <summary>The paradigm comparison's arithmetic on hand-built scores: summaries, agreement, verdicts over seeds, the long table's reader.</summary>
public class ParadigmComparisonTests
{
    private static ComparedScore Score(string id, string split, double value, bool injected = false, bool atypical = false) =>
        new(id, split, value, injected, atypical);

    [Fact]
    public void TheSummaryRanksInjectedAndAtypicalWithinSCByHand()
    {
        var scores = new List<ComparedScore>
        {
            Score("a", "S_C", 0.9, injected: true), Score("b", "S_C", 0.2, injected: true),
            Score("c", "S_C", 0.5, atypical: true), Score("d", "S_C", 0.1), Score("e", "S_C", 0.3),
            Score("x", "S_I", -0.4), Score("y", "S_I", -0.2), Score("z", "S_S", 0.0),
        };
        var summary = ParadigmComparison.Summarize("clip", scores);
        Assert.Equal(2.0 / 5, summary.SplitMeans["S_C"], 12);
        Assert.Equal(-0.3, summary.SplitMeans["S_I"], 12);
        Assert.Equal(0.55, summary.InjectedMean, 12);
        Assert.Equal(0.3, summary.CleanCandidatesMean, 12);
        Assert.Equal(0.5, summary.AtypicalMean, 12);
        Assert.Equal(0.2, summary.TypicalMean, 12);
        // Injected {0.9, 0.2} against clean {0.5, 0.1, 0.3}: 0.9 beats all 3, 0.2 beats 0.1 only: 4 of 6 pairs.
        Assert.Equal(4.0 / 6, summary.InjectedAuroc, 12);
        // Atypical {0.5} among the clean, against {0.1, 0.3}: both pairs.
        Assert.Equal(1.0, summary.AtypicalAuroc, 12);
        Assert.Equal(0.4 + 0.3, summary.Gap, 12);
        // Welch's t by hand: S_C {.9,.2,.5,.1,.3} has variance 0.1, S_I {-.4,-.2} 0.02; t = 0.7 / sqrt(0.1/5 + 0.02/2) = 4.0415.
        Assert.Equal(0.7 / Math.Sqrt(0.1 / 5 + 0.02 / 2), summary.CandidatesVsIndependent!.T, 9);
        Assert.Throws<ArgumentException>(() => ParadigmComparison.Summarize("clip", [Score("x", "S_I", 0)]));
    }

    [Fact]
    public void AgreementReadsOnlyTheSharedSCSamples()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"s{i:D2}").ToList();
        var first = ids.Select((id, i) => Score(id, "S_C", i)).Append(Score("only-first", "S_C", 100)).ToList();
        // The same order through a monotone map: Spearman 1, the same top 5% (2 of 40).
        var monotone = ids.Select((id, i) => Score(id, "S_C", Math.Exp(i / 10.0))).Append(Score("i0", "S_I", 1e9)).ToList();
        var same = ParadigmComparison.Agreement("clip", first, "dino", monotone);
        Assert.Equal(1.0, same.Spearman, 12);
        Assert.Equal((1.0, 2), (same.TopShareOverlap, same.TopCount));
        // The reverse order: Spearman -1, no shared top sample.
        var reversed = ids.Select((id, i) => Score(id, "S_C", -i)).ToList();
        var opposite = ParadigmComparison.Agreement("clip", first, "supervised", reversed);
        Assert.Equal(-1.0, opposite.Spearman, 12);
        Assert.Equal(0.0, opposite.TopShareOverlap);
        Assert.Equal(3, ParadigmComparison.Agreements([("clip", first), ("dino", monotone), ("supervised", reversed)]).Count);
        Assert.Throws<ArgumentException>(() => ParadigmComparison.Agreement("clip", first, "dino", [Score("s00", "S_C", 1), Score("s01", "S_C", 2)]));
    }

    private static ParadigmRun Run(string paradigm, ulong seed, double firstLayer, double lastLayer, double injectedAuroc, double atypicalAuroc)
    {
        UnitMemLayerSummary Layer(int layer, double value) => new(layer, value, value, 100, 0, 0, 0, 0);
        var scores = new ParadigmScoreSummary(paradigm, new Dictionary<string, double>(), 0, 0, 0, 0, injectedAuroc, atypicalAuroc);
        return new ParadigmRun(paradigm, seed, "", scores, [Layer(0, firstLayer), Layer(1, (firstLayer + lastLayer) / 2), Layer(2, lastLayer)], null, 1);
    }

    [Fact]
    public void VerdictsAreReadFromTheIntervalsOverSeeds()
    {
        var runs = new List<ParadigmRun>();
        for (ulong seed = 0; seed < 3; seed++)
        {
            double d = seed * 0.01;
            runs.Add(Run("dino", seed, 0.30, 0.31 + d, 0.50 + d - 0.01, 0.70 + d));
            runs.Add(Run("clip", seed, 0.25, 0.35 + d, 0.90 + d, 0.45 + d));
            runs.Add(Run("supervised", seed, 0.25, 0.45 + d, 0.95 + d, 0.60 + d));
        }
        Assert.Equal(0.01, ParadigmFindings.UnitMemRise(runs[0]), 12);   // dino at seed 0: 0.31 - 0.30
        var verdicts = ParadigmFindings.Verdicts(new ParadigmStudyResult(runs, []));
        Assert.Equal(3, verdicts.Count);
        // Rises: SSL 0.02 +- 0.025, CLIP 0.11, SL 0.21: ordered and apart.
        Assert.EndsWith("holds, intervals apart", verdicts[0]);
        // CLIP and SL rank the injected samples above chance; SSL sits at 0.50 [0.475, 0.525].
        Assert.EndsWith(": holds", verdicts[1]);
        // CLIP's atypical AUROC is 0.46 [0.43, 0.49]: below chance, so CLIP is not like SSL here.
        Assert.EndsWith("does not hold", verdicts[2]);

        var oneSeed = ParadigmFindings.Verdicts(new ParadigmStudyResult(runs.Where(r => r.Seed == 0).ToList(), []));
        Assert.All(oneSeed, v => Assert.EndsWith("not judged, an interval needs 2 or more seeds", v));
    }

    [Fact]
    public void TheLongTableReadsBackAndABadNumberNamesFileLineAndSample()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, ScoreRecords.FileName);
        var records = new List<ScoreRecord>
        {
            new("img-1", "S_C", "dino", "sslmem", 0.25, 1.0, new Dictionary<string, double> { ["distance_f"] = 0.5, ["distance_g"] = 0.75 }),
            new("img-2", "S_I", "dino", "sslmem", -1.5e-4, -0.125, new Dictionary<string, double> { ["distance_f"] = 0.25 }),
        };
        ScoreRecords.WriteCsv(path, records);
        var back = ScoreRecords.Read(path);
        Assert.Equal(2, back.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal((records[i].SampleId, records[i].Split, records[i].Paradigm, records[i].Score), (back[i].SampleId, back[i].Split, back[i].Paradigm, back[i].Score));
            Assert.Equal(records[i].Raw, back[i].Raw, 12);
            Assert.Equal(records[i].Normalised, back[i].Normalised, 12);
            Assert.Equal(records[i].Extras.OrderBy(e => e.Key), back[i].Extras.OrderBy(e => e.Key));
        }

        File.WriteAllText(path, File.ReadAllText(path).Replace("-0.125", "minus"));
        var error = Assert.Throws<DataFormatException>(() => ScoreRecords.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("img-2", error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.Contains("'normalised'", error.Message);
        File.WriteAllText(path, "sample_id,split\nx,S_C\n");
        Assert.Contains("not a long score table", Assert.Throws<DataFormatException>(() => ScoreRecords.Read(path)).Message);
    }
}
