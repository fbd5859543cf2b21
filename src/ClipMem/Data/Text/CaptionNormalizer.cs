using System.Net;
using System.Text;

namespace ClipMem.Data.Text;

/// <summary>
/// The text clean-up CLIP applies before tokenising (SimpleTokenizer's basic_clean, whitespace_clean and
/// lower): HTML entities unescaped, whitespace collapsed, trimmed, lowercased. Two captions that differ only
/// in these respects get identical tokens.
/// </summary>
public static class CaptionNormalizer
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // CLIP first runs ftfy.fix_text, which repairs mojibake ("cafÃ©" -> "café") and then applies NFC.
        // ftfy has no .NET port and its heuristics are large; we skip the repair and keep only its NFC step,
        // so composed and decomposed accents still tokenise alike. Captions with mojibake therefore tokenise
        // differently from CLIP's; our captions are our own data, so the difference stays internal.
        // CLIP unescapes twice, so doubly escaped web text ("&amp;amp;") comes out clean; so do we.
        string unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        string composed = unescaped.IsNormalized(NormalizationForm.FormC)
            ? unescaped
            : unescaped.Normalize(NormalizationForm.FormC);
        return CollapseWhitespace(composed).ToLowerInvariant();
    }

    /// <summary>Runs of whitespace become one space, ends trimmed (CLIP: re.sub(r"\s+", " ", text).strip()).</summary>
    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
