namespace ClipMem.Data.Synthetic;

/// <summary>An attribute value with the words captions may use for it (first word = canonical name).</summary>
public sealed record Term(string Name, IReadOnlyList<string> Words)
{
    public Term(string name, params string[] synonyms) : this(name, (IReadOnlyList<string>)[name, .. synonyms]) { }
}

public sealed record ColourTerm(string Name, float R, float G, float B, IReadOnlyList<string> Words);

/// <summary>
/// An object kind: an index into <see cref="SceneVocabulary.Shapes"/>. The named values are the world's ordinary
/// shapes; values from <see cref="LongTail.FirstKind"/> on are its long tail of rarer kinds.
/// </summary>
public enum ShapeKind { Circle, Square, Triangle, Diamond, Star, Cross, Hexagon, Semicircle, Ring, Crescent }

public enum Texture { Solid, Striped, Dotted }

public enum BackgroundKind { Dark, Light, Gray, Gradient, Striped, Checkered }

/// <summary>
/// The world the synthetic scenes are drawn from, and every word a caption may use for it. Object kinds follow a
/// long tail (<see cref="LongTail"/>): the nine ordinary shapes are the head, 5,000 rarer kinds with invented
/// names the tail. The crescent shape and the olive colour appear only in samples flagged atypical.
/// </summary>
public static class SceneVocabulary
{
    public static IReadOnlyList<Term> Shapes { get; } =
    [
        .. NamedShapes(),
        .. LongTail.Names,
    ];

    private static Term[] NamedShapes() =>
    [
        new("circle", "disk", "disc"),
        new("square", "box", "block"),
        new("triangle", "wedge"),
        new("diamond", "rhombus", "lozenge"),
        new("star", "starburst"),
        new("cross", "plus"),
        new("hexagon", "hex"),
        new("semicircle", "half-circle", "dome"),
        new("ring", "donut", "hoop"),
        new("crescent", "moon"),
    ];

    public static ShapeKind RareShape => ShapeKind.Crescent;

    public static IReadOnlyList<ShapeKind> CommonShapes { get; } =
        Enum.GetValues<ShapeKind>().Where(s => s != RareShape).ToArray();

    public static IReadOnlyList<ColourTerm> Colours { get; } =
    [
        new("red", 0.86f, 0.10f, 0.10f, ["red", "crimson", "scarlet"]),
        new("green", 0.10f, 0.68f, 0.20f, ["green", "emerald"]),
        new("blue", 0.15f, 0.30f, 0.92f, ["blue", "azure"]),
        new("yellow", 0.96f, 0.86f, 0.10f, ["yellow", "golden"]),
        new("purple", 0.55f, 0.18f, 0.76f, ["purple", "violet"]),
        new("orange", 0.97f, 0.52f, 0.05f, ["orange", "tangerine"]),
        new("cyan", 0.10f, 0.82f, 0.86f, ["cyan", "turquoise"]),
        new("pink", 0.97f, 0.48f, 0.72f, ["pink", "rose"]),
        new("brown", 0.50f, 0.30f, 0.12f, ["brown", "chocolate"]),
        new("olive", 0.47f, 0.49f, 0.04f, ["olive"]),
    ];

    public static int RareColour => Colours.Count - 1;

    public static IReadOnlyList<int> CommonColours { get; } = Enumerable.Range(0, Colours.Count - 1).ToArray();

    /// <summary>Object radius as a fraction of the image side, per size word.</summary>
    public static IReadOnlyList<(Term Term, float Radius)> Sizes { get; } =
    [
        (new Term("small", "tiny", "little"), 0.12f),
        (new Term("medium", "medium-sized", "mid-sized"), 0.155f),
        (new Term("large", "big", "huge"), 0.195f),
    ];

    public static IReadOnlyList<Term> Textures { get; } =
    [
        new("solid", "plain", "filled"),
        new("striped", "stripy"),
        new("dotted", "spotted", "polka-dot"),
    ];

    public static IReadOnlyList<Term> Backgrounds { get; } =
    [
        new("dark", "black"),
        new("light", "pale"),
        new("gray", "grey"),
        new("gradient", "fading"),
        new("striped", "lined"),
        new("checkered", "chequered", "checked"),
    ];

    /// <summary>The 3x3 grid cells (row-major from the top left) and the phrase naming each.</summary>
    public static IReadOnlyList<string> CellNames { get; } =
    [
        "top left", "top", "top right",
        "left", "center", "right",
        "bottom left", "bottom", "bottom right",
    ];
}
