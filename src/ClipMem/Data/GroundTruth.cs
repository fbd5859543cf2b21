namespace ClipMem.Data;

/// <summary>
/// What is known to be special about a sample, independently of any model: the labels the memorization
/// score is validated against (injected mis-captions, atypical images).
/// </summary>
public sealed record GroundTruth(bool IsMiscaptioned = false, bool IsAtypical = false, string? Reason = null)
{
    public static GroundTruth Typical { get; } = new();

    public static GroundTruth Atypical(string reason) => new(IsAtypical: true, Reason: reason);

    public GroundTruth WithMiscaption(string reason) =>
        this with { IsMiscaptioned = true, Reason = Reason is null ? reason : $"{Reason}; {reason}" };
}
