using ClipMem.Common;
using ClipMem.Data.Splits;
using ClipMem.Data;
using Plotly.NET;
using Microsoft.Data.Analysis;

namespace ClipMem.Reporting;

/// <summary>What the data notebook shows: sample galleries, split sizes, the injected mis-captions, caption lengths.</summary>
public static class DataViews
{
    /// <summary>A seeded sample of the dataset (not its first rows, which may all come from one folder).</summary>
    public static Gallery Samples(CaptionDataset data, int count, ulong seed, SplitPlan? plan = null)
    {
        var ids = data.Select(s => s.Id).ToList();
        DeterministicRandom.For(seed, "data-views").Shuffle(ids);
        return new Gallery($"{data.Name}: {Math.Min(count, ids.Count)} of {data.Count} samples",
            ids.Take(count).Select(id => Tile(data[id], plan)).ToList());
    }

    /// <summary>One line about a dataset: where it came from, its samples, captions and atypical flags.</summary>
    public static string Overview(CaptionDataset data) =>
        $"{data.Source}: {data.Count} samples, {data.Sum(s => s.Captions.Count)} captions, {data.Count(s => s.Truth.IsAtypical)} flagged atypical";

    /// <summary>Bar chart of the four split sizes (the study's 13 : 1 : 1 : 1).</summary>
    public static GenericChart SplitSizesChart(SplitPlan plan)
    {
        var splits = Enum.GetValues<Split>();
        return Charts.Figure("Split sizes", "split", "samples", [Charts.Bars("samples", splits.Select(s => s.Short()), splits.Select(s => (double)plan.Members(s).Count))]);
    }

    /// <summary>The four splits: who trains on them, their sizes here and in the study's COCO setting (PAPER.md section 2).</summary>
    public static DataFrame SplitTable(SplitPlan plan)
    {
        var splits = Enum.GetValues<Split>();
        string TrainedBy(Split s) => s switch
        {
            Split.Shared => "f and g", Split.Candidates => "f only", Split.Independent => "g only", _ => "neither",
        };
        return new DataFrame(
            new StringDataFrameColumn("split", splits.Select(s => s.Short())),
            new StringDataFrameColumn("trained on by", splits.Select(TrainedBy)),
            new Int32DataFrameColumn("samples", splits.Select(s => plan.Members(s).Count)),
            new DoubleDataFrameColumn("share of pool", splits.Select(s => (double)plan.Members(s).Count / plan.Count)),
            new Int32DataFrameColumn("study (COCO)", splits.Select(s => SplitSizes.Paper[s])));
    }

    /// <summary>One row per injected sample: its own first caption and the first of the captions it was given.</summary>
    public static DataFrame MiscaptionTable(CaptionDataset original, MiscaptionInjection injection)
    {
        var ids = injection.DonorOf.Keys.Order().ToList();
        return new DataFrame(
            new StringDataFrameColumn("sample_id", ids.Select(id => id.Value)),
            new StringDataFrameColumn("captions of", ids.Select(id => injection.DonorOf[id].Value)),
            new StringDataFrameColumn("true caption", ids.Select(id => original[id].Captions[0])),
            new StringDataFrameColumn("caption f trains with", ids.Select(id => original[injection.DonorOf[id]].Captions[0])));
    }

    /// <summary>The injected samples with the captions f now trains them with (another injected sample's).</summary>
    public static Gallery Miscaptioned(CaptionDataset effective, SplitPlan plan, MiscaptionInjection injection) =>
        new($"Mis-captioned in S_C: {injection.Count} samples", injection.DonorOf.Keys.Order().Select(id => Tile(effective[id], plan)).ToList(),
            "Each image now carries all the captions of another injected sample (never its own); only f trains on S_C.");

    /// <summary>Histogram of caption lengths in words, to compare datasets and see what the context length must hold.</summary>
    public static GenericChart CaptionLengths(CaptionDataset data) =>
        Charts.Figure($"Caption length ({data.Name})", "words per caption", "density",
            [Charts.Histogram("captions", data.SelectMany(s => s.Captions).Select(c => (double)c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length), binSize: 1)]);

    private static GalleryItem Tile(Sample sample, SplitPlan? plan) =>
        new(sample.Id, sample.Image.Load(), sample.Captions, plan?.SplitOf(sample.Id)?.Short(), sample.Truth, sample.Labels);
}
