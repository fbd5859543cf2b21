namespace ClipMem.Reporting;

/// <summary>The three kinds of sample the charts colour alike (mis-captioned red, atypical amber: the galleries' badges).</summary>
public sealed record SampleKind(string Label, string Color, int Order)
{
    public static SampleKind Clean { get; } = new("clean", "#1f77b4", 0);
    public static SampleKind Atypical { get; } = new("atypical", "#e69f00", 1);
    public static SampleKind Miscaptioned { get; } = new("mis-captioned", "#d62728", 2);

    /// <summary>Mis-captioning wins over atypicality: a mis-captioned sample is memorized for its caption.</summary>
    public static SampleKind Of(bool miscaptioned, bool atypical) => miscaptioned ? Miscaptioned : atypical ? Atypical : Clean;
}
