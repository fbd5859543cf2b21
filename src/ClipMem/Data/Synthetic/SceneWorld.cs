namespace ClipMem.Data.Synthetic;

/// <summary>
/// How hard the synthetic world is to generalise from, the regime study's "world difficulty" factor. Captions that
/// name every object's colour and position let g predict a clean S_C caption from S_S; captions that name mostly
/// the objects (as COCO's mostly name nouns) and a longer tail of rare kinds leave more that only f can know.
/// </summary>
/// <param name="ColourMention">The chance that a phrase names its object's colour (post-modified phrases always do).</param>
/// <param name="PositionMention">The chance that a position or a spatial relation is said where a template offers one.</param>
/// <param name="TailKinds">How many of the long tail's kinds occur (0..<see cref="LongTail.KindCount"/>): fewer make rare kinds recur.</param>
/// <param name="HeadWeight">The frequency weight of each ordinary shape, against 1/r for tail rank r (from rank 10).</param>
public sealed record SceneWorld(double ColourMention = 1.0, double PositionMention = 1.0, int TailKinds = LongTail.KindCount, double HeadWeight = 0.5)
{
    public static SceneWorld Default { get; } = new();

    public void Validate()
    {
        if (ColourMention is < 0 or > 1 || double.IsNaN(ColourMention))
            throw new ArgumentOutOfRangeException(nameof(ColourMention), ColourMention, "allowed values are 0..1 (a probability)");
        if (PositionMention is < 0 or > 1 || double.IsNaN(PositionMention))
            throw new ArgumentOutOfRangeException(nameof(PositionMention), PositionMention, "allowed values are 0..1 (a probability)");
        if (TailKinds is < 0 or > LongTail.KindCount)
            throw new ArgumentOutOfRangeException(nameof(TailKinds), TailKinds, $"allowed values are 0..{LongTail.KindCount}");
        if (HeadWeight <= 0 || double.IsNaN(HeadWeight) || double.IsInfinity(HeadWeight))
            throw new ArgumentOutOfRangeException(nameof(HeadWeight), HeadWeight, "allowed values are positive and finite");
    }

    /// <summary>The knobs that differ from the default world, by short name and value: ("colour", "0.5"), ("tail", "1200").</summary>
    public IReadOnlyList<(string Knob, string Value)> Changes()
    {
        var changes = new List<(string, double)>();
        if (ColourMention != Default.ColourMention) changes.Add(("colour", ColourMention));
        if (PositionMention != Default.PositionMention) changes.Add(("position", PositionMention));
        if (TailKinds != Default.TailKinds) changes.Add(("tail", TailKinds));
        if (HeadWeight != Default.HeadWeight) changes.Add(("head", HeadWeight));
        return changes.Select(c => (c.Item1, c.Item2.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>"colour 0.5, tail 1200", or "default".</summary>
    public string Describe(string between = " ", string separator = ", ")
    {
        var changes = Changes();
        return changes.Count == 0 ? "default" : string.Join(separator, changes.Select(c => c.Knob + between + c.Value));
    }
}
