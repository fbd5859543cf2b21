using ClipMem.Common;

namespace ClipMem.Tests.Tokenizer;

/// <summary>
/// Captions shaped like the synthetic-scenes dataset's (about ten words, a vocabulary of a few hundred
/// words, some digits and punctuation), generated from a seed so every test sees the same corpus.
/// </summary>
internal static class SyntheticCaptions
{
    private static readonly string[] Sizes = ["tiny", "small", "medium", "large", "huge", "giant", "little", "big", "narrow", "wide"];

    private static readonly string[] Colours =
    [
        "red", "green", "blue", "yellow", "orange", "purple", "pink", "brown", "black", "white", "grey", "cyan",
        "magenta", "teal", "navy", "olive", "maroon", "beige", "turquoise", "violet", "golden", "silver", "crimson", "indigo",
    ];

    private static readonly string[] Shapes =
    [
        "circle", "square", "triangle", "star", "hexagon", "pentagon", "diamond", "heart", "cross", "ring", "ellipse",
        "rectangle", "arrow", "crescent", "octagon", "trapezoid", "spiral", "kite", "rhombus", "disc",
    ];

    private static readonly string[] Places =
    [
        "top left", "top right", "bottom left", "bottom right", "centre", "middle", "left edge", "right edge",
        "upper half", "lower half", "far corner", "near side",
    ];

    private static readonly string[] Textures = ["striped", "dotted", "plain", "checkered", "noisy", "gradient", "wavy", "speckled", "cloudy", "grainy", "marbled", "hazy"];

    private static readonly string[] Verbs = ["sits", "rests", "floats", "hovers", "appears", "lies", "stands", "glows", "spins", "leans"];

    private static readonly string[] Kinds = ["photo", "picture", "drawing", "sketch", "render", "painting", "image", "illustration", "snapshot", "diagram"];

    private static readonly string[] Nouns =
    [
        "dog", "cat", "horse", "bird", "fish", "tree", "house", "car", "boat", "train", "flower", "chair", "table",
        "lamp", "window", "door", "bridge", "mountain", "river", "cloud", "apple", "banana", "cup", "bottle", "book",
        "clock", "guitar", "bicycle", "kettle", "umbrella", "pencil", "rabbit", "turtle", "owl", "fox", "bear",
        "penguin", "lighthouse", "windmill", "tractor", "balloon", "candle", "feather", "shell", "pebble", "cactus",
    ];

    private static readonly string[] Adjectives =
    [
        "shiny", "dull", "bright", "dark", "old", "new", "wooden", "metallic", "fuzzy", "smooth", "rough", "glossy",
        "faded", "vivid", "blurry", "sharp", "tilted", "broken", "curved", "hollow", "solid", "transparent", "sleepy",
        "happy", "curious", "quiet", "noisy", "ancient", "modern", "soft",
    ];

    public static List<string> Generate(int count, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var captions = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            captions.Add(random.NextInt(4) switch
            {
                0 => $"a {random.Pick(Sizes)} {random.Pick(Colours)} {random.Pick(Shapes)} {random.Pick(Verbs)} in the {random.Pick(Places)} of a {random.Pick(Textures)} background",
                1 => $"{random.Pick(Kinds)} of {random.NextInt(2, 10)} {random.Pick(Colours)} {random.Pick(Shapes)}s next to a {random.Pick(Adjectives)} {random.Pick(Nouns)}",
                2 => $"the {random.Pick(Nouns)} is {random.Pick(Adjectives)} and {random.Pick(Colours)}, near a {random.Pick(Shapes)}.",
                _ => $"A {random.Pick(Adjectives)} {random.Pick(Nouns)}'s {random.Pick(Shapes)} on a {random.Pick(Colours)} {random.Pick(Textures)} wall",
            });
        }
        return captions;
    }
}
