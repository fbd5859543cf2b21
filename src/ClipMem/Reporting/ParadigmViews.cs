using System.Globalization;
using ClipMem.Experiments;
using ClipMem.Experiments.Paradigms;
using Plotly.NET;

namespace ClipMem.Reporting;

/// <summary>What `clipmem experiment paradigms` and notebook 06 show: the table over seeds, UnitMem per layer, the rankings and the distributions.</summary>
public static class ParadigmViews
{
    /// <summary>The study's name of each paradigm (StudyReference's keys).</summary>
    public static string StudyName(string paradigm) => paradigm switch
    {
        ClipParadigm.ParadigmName => "CLIP",
        DinoParadigm.ParadigmName => "SSL (DINO)",
        SupervisedParadigm.ParadigmName => "supervised",
        _ => paradigm,
    };

    // One colour per paradigm, its study reading dashed in the same colour; one per split in the distributions.
    private static string Colour(string paradigm) => paradigm switch
    {
        ClipParadigm.ParadigmName => "#1f77b4",
        DinoParadigm.ParadigmName => "#2ca02c",
        SupervisedParadigm.ParadigmName => "#9467bd",
        _ => "#7f7f7f",
    };

    private static readonly Dictionary<string, string> SplitColours = new() { ["S_C"] = "#d62728", ["S_S"] = "#7f7f7f", ["S_I"] = "#1f77b4" };

    public static IReadOnlyList<string> ColumnNames { get; } =
        ["paradigm", "seeds", "S_C - S_I", "Welch p S_C vs S_I (largest)", "UnitMem first layer", "UnitMem last layer", "rise", "AUROC injected",
            "AUROC atypical", "linear probe", "f/g training, s"];

    /// <summary>One row per paradigm: each measure's mean over seeds with its 95% interval.</summary>
    public static ReportTable TextTable(ParadigmStudyResult result)
    {
        var rows = result.Runs.GroupBy(r => r.Paradigm).Select(g =>
        {
            var runs = g.ToList();
            string I(Func<ParadigmRun, double> measure) => SeedInterval.Of(runs.Select(measure)).ToString();
            return new[]
            {
                Cell.Of(StudyName(g.Key)), Cell.Of(runs.Count.ToString(CultureInfo.InvariantCulture)), Cell.Of(I(r => r.Scores.Gap)),
                Cell.Of(LargestP(runs)), Cell.Of(I(r => r.UnitMem[0].MeanMedianRest)), Cell.Of(I(r => r.UnitMem[^1].MeanMedianRest)), Cell.Of(I(ParadigmFindings.UnitMemRise)),
                Cell.Of(I(r => r.Scores.InjectedAuroc)), Cell.Of(I(r => r.Scores.AtypicalAuroc)), Cell.Of(I(r => r.LinearProbe ?? double.NaN)),
                Cell.Of(I(r => r.TrainingSeconds)),
            };
        }).ToList();
        return new ReportTable(ColumnNames, rows, Enumerable.Range(0, ColumnNames.Count).ToArray());
    }

    // The least significant seed's p: a gap that holds at every seed holds at this p.
    private static string LargestP(IReadOnlyList<ParadigmRun> runs) =>
        runs.All(r => r.Scores.CandidatesVsIndependent is not null) ? runs.Max(r => r.Scores.CandidatesVsIndependent!.PValue).ToString("G2", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>How far the paradigms agree on the same S_C samples: Spearman correlation and the overlap of their top 5%, over seeds.</summary>
    public static ReportTable AgreementTable(ParadigmStudyResult result)
    {
        var rows = result.Agreements.GroupBy(a => (a.Agreement.First, a.Agreement.Second)).Select(g => new[]
        {
            Cell.Of($"{StudyName(g.Key.First)} ~ {StudyName(g.Key.Second)}"), Cell.Of(g.Count().ToString(CultureInfo.InvariantCulture)),
            Cell.Of(SeedInterval.Of(g.Select(a => a.Agreement.Spearman)).ToString()),
            Cell.Of(SeedInterval.Of(g.Select(a => a.Agreement.TopShareOverlap)).ToString()),
            Cell.Of(g.First().Agreement.TopCount.ToString(CultureInfo.InvariantCulture)),
        }).ToList();
        return ReportTable.Labelled(["paradigms", "seeds", "Spearman on S_C [95% CI]", "top 5% overlap [95% CI]", "top 5% size"], rows, 1, 2, 3, 4);
    }

    /// <summary>
    /// Per paradigm and layer, mean over seeds: UnitMem with either rest statistic, and which samples maximise the units:
    /// the share of units whose most activating sample is injected (a mis-caption or flipped label), atypical, or in S_C.
    /// </summary>
    public static ReportTable UnitMemLayerTable(ParadigmStudyResult result)
    {
        var rows = new List<Cell[]>();
        foreach (var group in result.Runs.GroupBy(r => r.Paradigm))
        {
            int layers = group.First().UnitMem.Count;
            for (int layer = 0; layer < layers; layer++)
            {
                string Mean(Func<UnitMemLayerSummary, double> measure, string format) =>
                    group.Average(r => measure(r.UnitMem[layer])).ToString(format, CultureInfo.InvariantCulture);
                rows.Add([
                    Cell.Of(StudyName(group.Key)), Cell.Of((layer + 1).ToString(CultureInfo.InvariantCulture)),
                    Cell.Of(Mean(l => l.MeanMedianRest, "F3")), Cell.Of(Mean(l => l.MeanMeanRest, "F3")),
                    Cell.Of(Mean(l => l.TopSampleMiscaptionedShare, "P1")), Cell.Of(Mean(l => l.TopSampleAtypicalShare, "P1")),
                    Cell.Of(Mean(l => l.TopSampleCandidatesShare, "P1")),
                ]);
            }
        }
        return ReportTable.Labelled(["paradigm", "layer", "UnitMem, median rest", "UnitMem, mean rest", "top sample injected", "top sample atypical", "top sample in S_C"],
            rows, 1, 2, 3, 4, 5, 6);
    }

    /// <summary>UnitMem per layer (depth 0 = first block, 1 = last) of each paradigm's image tower, mean over seeds, beside the study's readings.</summary>
    public static GenericChart UnitMemByLayer(ParadigmStudyResult result)
    {
        var traces = new List<GenericChart>();
        foreach (var group in result.Runs.GroupBy(r => r.Paradigm))
        {
            int layers = group.First().UnitMem.Count;
            var depth = Enumerable.Range(0, layers).Select(l => layers == 1 ? 0.0 : l / (double)(layers - 1)).ToList();
            var means = Enumerable.Range(0, layers).Select(l => SeedInterval.Of(group.Select(r => r.UnitMem[l].MeanMedianRest)).Mean);
            traces.Add(Charts.Line($"{StudyName(group.Key)} here", depth, means, Colour(group.Key), markers: true));
            if (StudyReference.UnitMemFirstAndLastLayer.TryGetValue(StudyName(group.Key), out var study))
                traces.Add(Charts.Line($"study: {StudyName(group.Key)} ViT-B, layer 1 and 12", [0, 1], [study.First, study.Last], Colour(group.Key), dashed: true, markers: true));
        }
        return Charts.Figure("UnitMem per layer of each paradigm's image tower (median rest, GELU clamped at 0; mean over seeds)",
            "depth (first block 0, last block 1)", "layer mean UnitMem", traces);
    }

    /// <summary>How each paradigm ranks the injected and the atypical S_C samples (AUROC; 0.5 = chance), with 95% intervals over seeds.</summary>
    public static GenericChart Rankings(ParadigmStudyResult result)
    {
        var groups = result.Runs.GroupBy(r => r.Paradigm).ToList();
        var names = groups.Select(g => StudyName(g.Key)).ToList();
        GenericChart Measure(string name, Func<ParadigmRun, double> measure)
        {
            var intervals = groups.Select(g => SeedInterval.Of(g.Select(measure))).ToList();
            return Charts.Bars(name, names, intervals.Select(i => i.Mean), intervals.Select(i => i.Seeds > 1 ? i.Mean - i.Low : 0),
                intervals.Select(i => i.Seeds > 1 ? i.High - i.Mean : 0));
        }
        return Charts.CategoryFigure("Which paradigm ranks whom highest within S_C (AUROC, 95% CI over seeds)", "paradigm", "AUROC",
            [Measure("injected (mis-captions; flipped labels)", r => r.Scores.InjectedAuroc), Measure("atypical (clean S_C)", r => r.Scores.AtypicalAuroc)])
            .WithHorizontalLine(0.5, "chance");
    }

    /// <summary>The normalised scores of S_C and S_I side by side, one box per paradigm and split, from one seed's scores_long.csv.</summary>
    public static GenericChart Distributions(ParadigmStudyResult result, ulong seed)
    {
        var traces = new List<GenericChart>();
        foreach (var run in result.Runs.Where(r => r.Seed == seed))
        {
            var records = ScoreRecords.Read(Path.Combine(run.RunDirectory, ScoreRecords.FileName));
            foreach (var split in new[] { "S_C", "S_S", "S_I" })
                traces.Add(Charts.Box($"{StudyName(run.Paradigm)} {split}", records.Where(r => r.Split == split).Select(r => r.Normalised), SplitColours[split]));
        }
        return Charts.Figure($"Memorization scores per paradigm and split (normalised on S_C's range; seed {seed})", "", "normalised score", traces);
    }
}
