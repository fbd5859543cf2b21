using System.Text;
using ClipMem.Common;

namespace ClipMem.Data.Synthetic;

/// <summary>
/// Writes paraphrased captions for a scene: different templates (lists, spatial relations, positions,
/// backgrounds, post-noun adjectives), synonyms and word orders. Every caption is true of its scene, and
/// <see cref="SceneCaptionParser"/> can read each one back.
/// </summary>
public static class SceneCaptioner
{
    private delegate string Template(SceneSpec scene, Voice voice);

    private static readonly Template[] SingleObjectTemplates =
    [
        (s, v) => v.Located(v.Phrase(s.Objects[0]), s.Objects[0]),
        (s, v) => $"there is {v.Located(v.Phrase(s.Objects[0]), s.Objects[0])}",
        (s, v) => $"{v.Phrase(s.Objects[0])} on {Background(s, v.Rng)}",
        (s, v) => $"a picture of {v.Located(v.Phrase(s.Objects[0]), s.Objects[0], ", ")}",
        (s, v) => v.Located(PostModifiedPhrase(s.Objects[0], v.Rng), s.Objects[0]),
        (s, v) => $"an image showing {v.Phrase(s.Objects[0])}",
        (s, v) => $"{v.Phrase(s.Objects[0], detail: 1.0)} against {Background(s, v.Rng)}",
    ];

    private static readonly Template[] MultiObjectTemplates =
    [
        (s, v) => Chain(s, v, reverse: false),
        (s, v) => Chain(s, v, reverse: true),
        (s, v) => $"{List(s.Objects.Select(o => v.Phrase(o)))} on {Background(s, v.Rng)}",
        // Positions for the first two objects only: captions stay about as long as COCO's (10-15 words).
        (s, v) => List(s.Objects.Select((o, k) => k < 2 ? v.Located(v.Phrase(o, detail: 0.3), o) : v.Phrase(o, detail: 0.3))),
        (s, v) => $"{CountWord(s.Objects.Count)} shapes: {List(s.Objects.Select(o => v.Phrase(o)))}",
        (s, v) => $"{v.Located(PostModifiedPhrase(s.Objects[0], v.Rng), s.Objects[0])}, with {List(s.Objects.Skip(1).Select(o => v.Phrase(o, detail: 0.2)))}",
    ];

    public static IReadOnlyList<string> Captions(SceneSpec scene, int count, DeterministicRandom rng, SceneWorld? world = null)
    {
        var voice = new Voice(rng, world ?? SceneWorld.Default);
        var templates = (scene.Objects.Count == 1 ? SingleObjectTemplates : MultiObjectTemplates).ToList();
        rng.Shuffle(templates);
        var captions = new List<string>(count);
        for (int k = 0; k < count; k++)
        {
            // Cycle through the shuffled templates; repeats differ in synonyms and optional attributes.
            string text = templates[k % templates.Count](scene, voice);
            captions.Add(rng.Bernoulli(0.3) ? text + "." : text);
        }
        return captions;
    }

    /// <summary>"a small striped red circle": the shape always, its colour as often as the world says, size and texture sometimes.</summary>
    public static string Phrase(SceneObject obj, DeterministicRandom rng, double detail = 0.5, SceneWorld? world = null) =>
        new Voice(rng, world ?? SceneWorld.Default).Phrase(obj, detail);

    /// <summary>
    /// The world's way of speaking: which attributes a phrase names. Every mention is a draw even where the world
    /// always makes it, so worlds that differ only in how often they speak read the same random stream (the same
    /// scenes, the same synonyms: common random numbers across the regime study's world settings).
    /// </summary>
    private sealed class Voice(DeterministicRandom rng, SceneWorld world)
    {
        public DeterministicRandom Rng => rng;

        public string Phrase(SceneObject obj, double detail = 0.5)
        {
            var adjectives = new List<string>();
            if (rng.Bernoulli(detail)) adjectives.Add(rng.Pick(SceneVocabulary.Sizes[obj.Size].Term.Words));
            if (obj.Texture != Texture.Solid && rng.Bernoulli(detail)) adjectives.Add(rng.Pick(SceneVocabulary.Textures[(int)obj.Texture].Words));
            if (rng.Bernoulli(world.ColourMention))
            {
                string colour = rng.Pick(SceneVocabulary.Colours[obj.Colour].Words);
                // Mostly "size colour shape" as English prefers, sometimes the other order.
                if (rng.Bernoulli(0.8)) adjectives.Add(colour); else adjectives.Insert(0, colour);
            }
            string noun = rng.Pick(SceneVocabulary.Shapes[(int)obj.Shape].Words);
            return WithArticle($"{string.Join(' ', adjectives)} {noun}");
        }

        /// <summary>The phrase with its object's position after it, where the world says it.</summary>
        public string Located(string phrase, SceneObject obj, string separator = " ") =>
            rng.Bernoulli(world.PositionMention) ? phrase + separator + Position(obj, rng) : phrase;

        /// <summary>A true spatial relation between two objects, or a plain "and" where the world leaves it unsaid.</summary>
        public string RelationOrAnd(SceneObject a, SceneObject b) =>
            rng.Bernoulli(world.PositionMention) ? Relation(a, b, rng) : "and";
    }

    /// <summary>"a circle that is red and small": the attributes after the noun.</summary>
    private static string PostModifiedPhrase(SceneObject obj, DeterministicRandom rng)
    {
        string noun = rng.Pick(SceneVocabulary.Shapes[(int)obj.Shape].Words);
        string colour = rng.Pick(SceneVocabulary.Colours[obj.Colour].Words);
        string tail = rng.Bernoulli(0.5) ? $" and {rng.Pick(SceneVocabulary.Sizes[obj.Size].Term.Words)}" : "";
        return $"{WithArticle(noun)} {(rng.Bernoulli(0.5) ? "that" : "which")} is {colour}{tail}";
    }

    public static string Position(SceneObject obj, DeterministicRandom rng)
    {
        int row = obj.Cell / 3, col = obj.Cell % 3;
        string vertical = row switch { 0 => rng.Pick(["top", "upper"]), 2 => rng.Pick(["bottom", "lower"]), _ => "" };
        string horizontal = col switch { 0 => "left", 2 => "right", _ => "" };
        if (vertical != "" && horizontal != "")
            return $"in the {vertical} {horizontal}{(rng.Bernoulli(0.5) ? " corner" : "")}";
        if (horizontal != "") return rng.Bernoulli(0.5) ? $"on the {horizontal}" : $"on the {horizontal} side";
        if (vertical != "") return rng.Bernoulli(0.5) ? $"at the {vertical}" : $"near the {vertical}";
        return rng.Bernoulli(0.5) ? "in the center" : "in the middle";
    }

    private static string Background(SceneSpec scene, DeterministicRandom rng) =>
        WithArticle($"{rng.Pick(SceneVocabulary.Backgrounds[(int)scene.Background].Words)} {rng.Pick(["background", "backdrop"])}");

    /// <summary>"A left of B, and C at the top": consecutive objects linked by a true spatial relation (or "and").</summary>
    private static string Chain(SceneSpec scene, Voice voice, bool reverse)
    {
        var objects = reverse ? scene.Objects.Reverse().ToList() : scene.Objects.ToList();
        var text = new StringBuilder(voice.Phrase(objects[0]));
        for (int k = 1; k < objects.Count; k++)
        {
            text.Append(k == 1 ? " " : ", and ");
            if (k > 1) text.Append(voice.Located(voice.Phrase(objects[k], detail: 0.2), objects[k]));
            else text.Append(voice.RelationOrAnd(objects[0], objects[1])).Append(' ').Append(voice.Phrase(objects[1]));
        }
        return text.ToString();
    }

    /// <summary>A relation word that holds for "a REL b" (the cells differ, so one always exists).</summary>
    public static string Relation(SceneObject a, SceneObject b, DeterministicRandom rng)
    {
        var options = new List<string>();
        int dc = a.Cell % 3 - b.Cell % 3, dr = a.Cell / 3 - b.Cell / 3;
        if (dc < 0) options.AddRange(["to the left of", "left of"]);
        if (dc > 0) options.AddRange(["to the right of", "right of"]);
        if (dr < 0) options.AddRange(["above", "over"]);
        if (dr > 0) options.AddRange(["below", "under"]);
        return rng.Pick(options);
    }

    private static string List(IEnumerable<string> phrases)
    {
        var items = phrases.ToList();
        return items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
    }

    private static string CountWord(int n) => n switch { 2 => "two", 3 => "three", _ => n.ToString() };

    private static string WithArticle(string phrase) => ("aeiou".Contains(phrase[0]) ? "an " : "a ") + phrase;
}
