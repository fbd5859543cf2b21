using System.Text.RegularExpressions;

namespace ClipMem.Data.Text;

/// <summary>
/// Rule-based paraphrases of English captions, for datasets with fewer captions per image than an experiment
/// asks for (PAPER.md section 5, DECISION: the study paraphrased COCO's captions with GPT-3.5; offline, rules).
/// Paraphrase j of a caption wraps it in frame j ("a photo of ...", "there is ...") and every other one also
/// swaps common words for synonyms (whole words only), so the content stays and the wording changes. Deterministic: the same
/// caption always gives the same paraphrases.
/// </summary>
public static partial class CaptionParaphraser
{
    private static readonly string[] Frames = ["{0}", "a photo of {0}", "there is {0} in the picture", "an image showing {0}", "a picture of {0}", "{0}, as pictured"];

    // Both directions where both words are common, so a caption of either kind has something to swap.
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["small"] = "little", ["little"] = "small", ["big"] = "large", ["large"] = "big", ["man"] = "person", ["woman"] = "person",
        ["photo"] = "picture", ["picture"] = "photo", ["image"] = "picture", ["near"] = "next to", ["beside"] = "next to",
        ["sitting"] = "seated", ["happy"] = "cheerful", ["cute"] = "adorable", ["tiny"] = "very small", ["huge"] = "very big",
        ["street"] = "road", ["road"] = "street", ["kid"] = "child", ["child"] = "kid", ["boy"] = "young man", ["girl"] = "young woman",
        ["dog"] = "puppy", ["cat"] = "kitty", ["car"] = "automobile", ["house"] = "home", ["holding"] = "carrying", ["looking"] = "gazing",
    };

    /// <summary>How many paraphrases of any caption there are at least: one per frame other than the caption itself.</summary>
    public static int MaxCount => Frames.Length - 1;

    /// <summary>
    /// The first <paramref name="count"/> paraphrases of <paramref name="caption"/>, none equal to it or to each other
    /// (ignoring case and the final full stop).
    /// </summary>
    public static IReadOnlyList<string> Paraphrases(string caption, int count)
    {
        if (count < 0 || count > MaxCount) throw new ArgumentOutOfRangeException(nameof(count), count, $"0..{MaxCount} paraphrases per caption");
        string core = Core(caption);
        if (core.Length == 0) throw new ArgumentException("cannot paraphrase an empty caption", nameof(caption));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { core };
        var result = new List<string>(count);
        string swapped = SwapSynonyms(core);
        // Frame j wraps the caption's own words for even j and the synonym-swapped ones for odd j, so the paraphrases
        // vary the wording as well as the frame; the own-word frames follow, for captions no synonym rule touches.
        var candidates = Enumerable.Range(0, Frames.Length).Select(j => string.Format(Frames[(j + 1) % Frames.Length], j % 2 == 0 ? core : swapped))
            .Concat(Frames.Skip(1).Select(frame => string.Format(frame, core)));
        foreach (var candidate in candidates)
        {
            if (result.Count == count) break;
            if (seen.Add(candidate)) result.Add(candidate);
        }
        return result;
    }

    /// <summary>
    /// Every sample with fewer than <paramref name="count"/> captions gets paraphrases of its first caption up to that many
    /// (at most 1 + <see cref="MaxCount"/>); its own captions stay first.
    /// </summary>
    public static CaptionDataset FillTo(CaptionDataset dataset, int count)
    {
        if (count < 1 || count > MaxCount + 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"1..{MaxCount + 1} captions per image");
        return new(dataset.Name, dataset.Source, dataset.Select(s => s.Captions.Count >= count ? s : s with
        {
            Captions = [.. s.Captions, .. Paraphrases(s.Captions[0], MaxCount).Where(p => !s.Captions.Contains(p, StringComparer.OrdinalIgnoreCase)).Take(count - s.Captions.Count)],
        }));
    }

    /// <summary>The caption without surrounding space and final full stop, its first letter lower-cased unless it starts an acronym.</summary>
    private static string Core(string caption)
    {
        string text = WhiteSpace().Replace(caption.Trim(), " ").TrimEnd('.', ' ');
        bool acronym = text.Length > 1 && char.IsUpper(text[0]) && char.IsUpper(text[1]);
        return text.Length == 0 || acronym ? text : char.ToLowerInvariant(text[0]) + text[1..];
    }

    private static string SwapSynonyms(string text) => Word().Replace(text, m => Synonyms.TryGetValue(m.Value, out var s) ? s : m.Value);

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"\b[A-Za-z]+\b")]
    private static partial Regex Word();
}
