namespace ClipMem.Data.Synthetic;

/// <summary>An object as a caption describes it: the shape always, other attributes where the caption says them.</summary>
public sealed record ObjectMention(ShapeKind Shape, int? Colour, int? Size, Texture? Texture, int? Cell);

/// <summary>"Objects[A] Relation Objects[B]", e.g. (0, "left of", 1).</summary>
public sealed record RelationMention(int A, string Relation, int B);

/// <summary>What a caption says about a scene: the content a "generated image" is rendered from.</summary>
public sealed record CaptionContent(IReadOnlyList<ObjectMention> Objects, BackgroundKind? Background, IReadOnlyList<RelationMention> Relations);

/// <summary>
/// Reads a caption of the synthetic world back into its content, so a new image can be rendered from
/// the caption alone (the study's "generated images", PAPER.md section 5). Words outside the world's
/// vocabulary are ignored.
/// </summary>
public static class SceneCaptionParser
{
    private static readonly Dictionary<string, ShapeKind> ShapeWords = Index(SceneVocabulary.Shapes.Select((t, i) => (t.Words, (ShapeKind)i)));
    private static readonly Dictionary<string, int> ColourWords = Index(SceneVocabulary.Colours.Select((c, i) => (c.Words, i)));
    private static readonly Dictionary<string, int> SizeWords = Index(SceneVocabulary.Sizes.Select((s, i) => (s.Term.Words, i)));
    private static readonly Dictionary<string, Texture> TextureWords = Index(SceneVocabulary.Textures.Select((t, i) => (t.Words, (Texture)i)));
    private static readonly Dictionary<string, BackgroundKind> BackgroundWords = Index(SceneVocabulary.Backgrounds.Select((t, i) => (t.Words, (BackgroundKind)i)));
    private static readonly HashSet<string> PositionWords = ["top", "upper", "bottom", "lower", "left", "right", "center", "centre", "middle", "corner", "side"];

    public static CaptionContent Parse(string caption)
    {
        var words = caption.ToLowerInvariant()
            .Split((char[])[' ', '\t', ',', '.', ':', ';', '!', '?'], StringSplitOptions.RemoveEmptyEntries);
        var objects = new List<ObjectMention>();
        var relations = new List<RelationMention>();
        BackgroundKind? background = null;
        int? colour = null, size = null;
        Texture? texture = null;
        bool postModifying = false;
        string? pendingRelation = null;

        for (int i = 0; i < words.Length; i++)
        {
            string w = words[i];
            string next = i + 1 < words.Length ? words[i + 1] : "";

            if (next is "background" or "backdrop" && BackgroundWords.TryGetValue(w, out var bg))
            {
                background = bg;
                i++;
                continue;
            }
            if (w is "a" or "an")
            {
                postModifying = false;
                continue;
            }
            if ((w is "left" or "right") && next == "of")
            {
                pendingRelation = $"{w} of";
                i++;
                continue;
            }
            if (w is "above" or "over") { pendingRelation = "above"; continue; }
            if (w is "below" or "under") { pendingRelation = "below"; continue; }
            if (w is "in" or "at" or "on" or "near" && next == "the" && i + 2 < words.Length && PositionWords.Contains(words[i + 2]))
            {
                int end = i + 2;
                var position = new List<string>();
                while (end < words.Length && PositionWords.Contains(words[end])) position.Add(words[end++]);
                if (objects.Count > 0) objects[^1] = objects[^1] with { Cell = CellOf(position) };
                i = end - 1;
                continue;
            }
            if (w is "that" or "which" && next == "is")
            {
                postModifying = true;
                i++;
                continue;
            }
            if (ShapeWords.TryGetValue(w, out var shape))
            {
                objects.Add(new ObjectMention(shape, colour, size, texture, null));
                if (pendingRelation is not null) relations.Add(new RelationMention(objects.Count - 2, pendingRelation, objects.Count - 1));
                colour = size = null;
                texture = null;
                pendingRelation = null;
                continue;
            }
            if (postModifying && objects.Count > 0)
            {
                var last = objects[^1];
                if (ColourWords.TryGetValue(w, out int c)) objects[^1] = last with { Colour = c };
                else if (SizeWords.TryGetValue(w, out int s)) objects[^1] = last with { Size = s };
                else if (TextureWords.TryGetValue(w, out var t)) objects[^1] = last with { Texture = t };
                continue;
            }
            if (ColourWords.TryGetValue(w, out int colourIndex)) colour = colourIndex;
            else if (SizeWords.TryGetValue(w, out int sizeIndex)) size = sizeIndex;
            else if (TextureWords.TryGetValue(w, out var textureKind)) texture = textureKind;
        }
        return new CaptionContent(objects, background, relations);
    }

    /// <summary>Grid cell (row-major 3x3) named by position words: "top left corner" is 0, "on the right" is 5.</summary>
    public static int CellOf(IReadOnlyCollection<string> words)
    {
        int row = words.Contains("top") || words.Contains("upper") ? 0 : words.Contains("bottom") || words.Contains("lower") ? 2 : 1;
        int col = words.Contains("left") ? 0 : words.Contains("right") ? 2 : 1;
        return row * 3 + col;
    }

    /// <summary>Whether the relation holds between two grid cells.</summary>
    public static bool Holds(string relation, int cellA, int cellB) => relation switch
    {
        "left of" => cellA % 3 < cellB % 3,
        "right of" => cellA % 3 > cellB % 3,
        "above" => cellA / 3 < cellB / 3,
        "below" => cellA / 3 > cellB / 3,
        _ => throw new ArgumentException($"Unknown relation '{relation}'.", nameof(relation)),
    };

    private static Dictionary<string, T> Index<T>(IEnumerable<(IReadOnlyList<string> Words, T Value)> entries)
    {
        var index = new Dictionary<string, T>();
        foreach (var (words, value) in entries)
            foreach (var word in words)
                index.TryAdd(word, value);
        return index;
    }
}
