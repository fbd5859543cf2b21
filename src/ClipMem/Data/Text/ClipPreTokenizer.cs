using System.Text.RegularExpressions;

namespace ClipMem.Data.Text;

/// <summary>
/// Splits normalised text into the pieces ("words") that BPE works on, with CLIP's pattern: the two special
/// markers, English contractions, runs of letters, single digits, and runs of other non-space characters.
/// Whitespace is dropped, so "a dog's ball, 3 cats" gives a | dog | 's | ball | , | 3 | cats.
/// </summary>
public static partial class ClipPreTokenizer
{
    /// <summary>CLIP SimpleTokenizer's pattern, verbatim (CLIP compiles it with re.IGNORECASE).</summary>
    public const string Pattern =
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    /// <summary>The words of <paramref name="normalizedText"/> (see <see cref="CaptionNormalizer.Normalize"/>), in order.</summary>
    public static IReadOnlyList<string> Split(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        var words = new List<string>();
        foreach (ValueMatch match in WordPattern().EnumerateMatches(normalizedText))
            words.Add(normalizedText.Substring(match.Index, match.Length));
        return words;
    }

    /// <summary>
    /// The text as <see cref="BpeTokenizer.Decode(IEnumerable{int})"/> gives it back after encoding: normalised,
    /// with the words joined by single spaces. Spacing the pre-tokenizer discards cannot come back, exactly as
    /// with CLIP ("a dog's ball, 3 cats" returns as "a dog 's ball , 3 cats").
    /// </summary>
    public static string Canonical(string text) => string.Join(' ', Split(CaptionNormalizer.Normalize(text)));

    internal static Regex.ValueMatchEnumerator EnumerateWords(ReadOnlySpan<char> normalizedText) =>
        WordPattern().EnumerateMatches(normalizedText);

    [GeneratedRegex(Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
