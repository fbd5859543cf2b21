using ClipMem.Common;
using ClipMem.Data.Synthetic;

namespace ClipMem.Data;

/// <summary>How a dataset makes the images that stand in for its own (PAPER.md section 5, "generated images").</summary>
public enum GeneratedImageMethod
{
    /// <summary>The synthetic scenes draw a new scene from what the caption says (<see cref="SyntheticScenes.RenderFromCaption"/>).</summary>
    RenderedFromCaption,

    /// <summary>Datasets without a generator: the image under a fixed strong augmentation, one per generated image.</summary>
    FixedStrongAugmentation,
}

/// <summary>
/// The study's "generated images" (Table 1, PAPER.md finding 5): training sees k images made from each sample's
/// caption in place of its own, one drawn per visit. The study generated them with a text-to-image model; here
/// (DECISION, section 5) the synthetic scenes re-render the caption: what it names (shapes, colours, sizes, places,
/// relations, background) is kept and everything it leaves unsaid is drawn anew, so generated image j shows caption
/// j mod c (c = the captions training uses) with its own unnamed details. A dataset without a generator gets k fixed
/// strong augmentations of its image instead. They are made from the sample's true captions, before mis-captions
/// are injected: an injected caption then mismatches its generated images as it mismatches the image itself.
/// </summary>
public static class GeneratedImages
{
    public const int MaxPerSample = 5;

    /// <summary>The strong augmentation of datasets without a generator: half the image or less, brightness, contrast and saturation jitter.</summary>
    /// <remarks>No flips and no hue shift: a fixed image cannot swap its captions' left and right, and captions name colours.</remarks>
    public static AugmentationOptions StrongAugmentation { get; } = new(CropScaleMin: 0.25, CropScaleMax: 0.6, FlipProbability: 0,
        JitterProbability: 1, Brightness: 0.4, Contrast: 0.4, Saturation: 0.4);

    public static GeneratedImageMethod MethodFor(CaptionDataset dataset) =>
        dataset.Name == SyntheticScenes.DatasetName ? GeneratedImageMethod.RenderedFromCaption : GeneratedImageMethod.FixedStrongAugmentation;

    /// <summary>What the notebooks and reports say was used.</summary>
    public static string Describe(GeneratedImageMethod method) => method switch
    {
        GeneratedImageMethod.RenderedFromCaption => "re-rendered from the caption by the synthetic scenes' generator (what the caption names is kept, the rest drawn anew)",
        _ => "fixed strong augmentations of the image (crops of 25-60 % of it, brightness, contrast and saturation jitter): the dataset has no generator",
    };

    /// <summary>
    /// <paramref name="dataset"/> with <paramref name="count"/> training images per sample, made at <paramref name="resolution"/>
    /// from each sample's captions (all of its captions: pass the ones training uses). Nothing is rendered until training asks.
    /// </summary>
    public static CaptionDataset Attach(CaptionDataset dataset, int count, int resolution, ulong seed)
    {
        if (count is < 1 or > MaxPerSample)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"generated images per sample must be 1..{MaxPerSample}");
        var method = MethodFor(dataset);
        return new CaptionDataset(dataset.Name, dataset.Source, dataset.Select(sample => sample with
        {
            TrainingImages = Enumerable.Range(0, count).Select(j => Source(method, sample, j, resolution, seed)).ToArray(),
        }));
    }

    private static IImageSource Source(GeneratedImageMethod method, Sample sample, int index, int resolution, ulong seed)
    {
        string origin = $"{sample.Image.Origin} (generated image {index + 1})";
        if (method == GeneratedImageMethod.RenderedFromCaption)
        {
            ulong imageSeed = DeterministicRandom.For(seed, "generated-image", sample.Id.Value, index).NextUInt64();
            string caption = sample.Captions[index % sample.Captions.Count];
            return new GeneratedImageSource(origin, () => SyntheticScenes.RenderFromCaption(caption, resolution, imageSeed));
        }
        var view = StrongAugmentation.Draw(seed, sample.Id, index, "generated-image");
        var original = sample.Image;
        // Twice the model's resolution, as the image cache stores images, so training's own crops still have pixels to spare.
        return new GeneratedImageSource(origin, () => view.Apply(original.Load(), 2 * resolution));
    }
}
