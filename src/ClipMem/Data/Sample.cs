namespace ClipMem.Data;

/// <summary>One image with its captions. The image is decoded only when asked for.</summary>
public sealed record Sample(
    SampleId Id,
    IImageSource Image,
    IReadOnlyList<string> Captions,
    IReadOnlyList<string> Labels,
    GroundTruth Truth)
{
    public Sample(SampleId id, IImageSource image, IReadOnlyList<string> captions)
        : this(id, image, captions, Array.Empty<string>(), GroundTruth.Typical) { }
}
