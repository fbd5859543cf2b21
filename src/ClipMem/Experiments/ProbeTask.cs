using ClipMem.Data;
using ClipMem.Data.Loaders;
using ClipMem.Data.Synthetic;

namespace ClipMem.Experiments;

/// <summary>
/// The labelled classification task that measures an encoder's utility: images disjoint from all CLIP
/// training data, a class per image, and prompt templates for zero-shot classification.
/// </summary>
public sealed record ProbeTask(string Description, CaptionDataset Train, CaptionDataset Test, IReadOnlyList<string> Classes, IReadOnlyList<string> PromptTemplates,
    ProbeAttribute? Attribute = null)
{
    public int[] LabelsOf(CaptionDataset data)
    {
        var index = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        return data.Select(s => index[s.Labels[0]]).ToArray();
    }

    /// <summary>The probe for a dataset, or null where the data carries no labels to probe with.</summary>
    public static ProbeTask? For(ExperimentConfig config, TextWriter log)
    {
        var utility = config.Utility;
        int resolution = config.Data.Resolution;
        switch (config.Data.Dataset)
        {
            case SyntheticScenes.DatasetName or "scenes" or "synthetic":
                // Own seed stream and id prefix: disjoint from the training pool by construction.
                var all = SyntheticScenes.ProbeSet(utility.ProbeTrain + utility.ProbeTest, resolution, config.Seed + 1_000_003);
                // Captions of this world always name an object's colour with its shape, so a prompt without one is
                // unlike anything the text encoder read: the class prompt is averaged over the world's colours.
                // The colour of the same images is a second zero-shot task: it shows what the alignment reads.
                var colours = SceneVocabulary.CommonColours.Select(c => SceneVocabulary.Colours[c].Name).ToList();
                var shapes = SceneVocabulary.CommonShapes.Select(s => SceneVocabulary.Shapes[(int)s].Name).ToList();
                return Split("one large shape per image, 9 shape classes; colour, texture, background, position and noise vary", all, utility,
                    [.. colours.SelectMany(c => new[] { $"a {c} {{0}}", $"a large {c} {{0}}" })])
                    with { Attribute = new ProbeAttribute("colour", SyntheticScenes.ColourLabelPrefix, colours, [.. shapes.Select(s => $"a {{0}} {s}")]) };
            case RealDatasetFetcher.FashionMnist or RealDatasetFetcher.Mnist:
                // The IDX test split is never part of the training pool (which comes from the train split).
                var test = RealDatasets.Open(config.Data.Dataset, log, new RealDatasetOptions(IdxSplit.Test, utility.ProbeTrain + utility.ProbeTest));
                return Split("the dataset's own test split, its 10 classes", test, utility, ["a photo of a {0}.", "a {0}.", "a picture of the {0}."]);
            default:
                return null;
        }
    }

    private static ProbeTask Split(string description, CaptionDataset all, UtilitySettings utility, IReadOnlyList<string> prompts)
    {
        var classes = all.Select(s => s.Labels[0]).Distinct().Order(StringComparer.Ordinal).ToList();
        int train = Math.Min(utility.ProbeTrain, all.Count * 2 / 3);
        var train_ = all.Subset(all.Take(train).Select(s => s.Id), $"{all.Name}-probe-train");
        var test = all.Subset(all.Skip(train).Select(s => s.Id), $"{all.Name}-probe-test");
        return new ProbeTask(description, train_, test, classes, prompts);
    }
}

/// <summary>
/// A second property of the probe images, classified zero-shot beside the class: where the class is at chance
/// and the attribute is not, the alignment reads the attribute (the synthetic world: colour, not shape).
/// </summary>
public sealed record ProbeAttribute(string Name, string LabelPrefix, IReadOnlyList<string> Classes, IReadOnlyList<string> PromptTemplates)
{
    public int[] LabelsOf(CaptionDataset data)
    {
        var index = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        return data.Select(s => index[s.Labels.Single(l => l.StartsWith(LabelPrefix, StringComparison.Ordinal))[LabelPrefix.Length..]]).ToArray();
    }
}
