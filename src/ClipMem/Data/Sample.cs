namespace ClipMem.Data;

/// <summary>One image with its captions. The image is decoded only when asked for.</summary>
public sealed record Sample(
    SampleId Id,
    IImageSource Image,
    IReadOnlyList<string> Captions,
    IReadOnlyList<string> Labels,
    GroundTruth Truth)
{
    /// <summary>
    /// The images training shows in place of <see cref="Image"/>, one drawn per visit (the study's "generated images",
    /// PAPER.md finding 5); null: the image itself. Scoring and evaluation always use <see cref="Image"/>.
    /// </summary>
    public IReadOnlyList<IImageSource>? TrainingImages { get; init; }

    public Sample(SampleId id, IImageSource image, IReadOnlyList<string> captions)
        : this(id, image, captions, Array.Empty<string>(), GroundTruth.Typical) { }
}
