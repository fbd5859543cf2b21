using System.Net;
using System.Text;

namespace ClipMem.Data.Text;

/// <summary>
/// The text clean-up CLIP applies before tokenising (SimpleTokenizer's basic_clean, whitespace_clean and
/// lower): HTML entities unescaped, a few character fixes, NFC, whitespace collapsed, trimmed, lowercased.
/// Two captions that differ only in these respects get identical tokens.
/// </summary>
public static class CaptionNormalizer
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // CLIP unescapes twice, so doubly escaped web text ("&amp;amp;") comes out clean; so do we.
        string unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));

        // CLIP also runs ftfy.fix_text. ftfy has no .NET port and its main work, repairing mojibake
        // ("cafÃ©" -> "café"), rests on large heuristics, so we skip it, along with ligature and
        // character-width fixes: captions with those tokenise differently from CLIP's. We keep only ftfy's
        // character-local steps (FixCharacters) and its final NFC, so composed and decomposed accents
        // tokenise alike.
        string fixedText = FixCharacters(unescaped);
        string composed = fixedText.IsNormalized(NormalizationForm.FormC)
            ? fixedText
            : fixedText.Normalize(NormalizationForm.FormC);
        return CollapseWhitespace(composed).ToLowerInvariant();
    }

    /// <summary>
    /// ftfy's uncurl_quotes (curly quotes become straight, so "dog’s" splits like "dog's") and
    /// remove_control_chars, plus lone surrogates to U+FFFD: they cannot be UTF-8 encoded (CLIP would
    /// raise) and .NET's normalisation rejects them.
    /// </summary>
    private static string FixCharacters(string text)
    {
        StringBuilder? result = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            char? replacement = c switch
            {
                _ when char.IsSurrogate(c) => '\uFFFD',
                '\u02BC' or (>= '\u2018' and <= '\u201B') => '\'',
                >= '\u201C' and <= '\u201F' => '"',
                <= '\u0008' or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F'
                    or (>= '\u206A' and <= '\u206F') or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFC') => null,
                _ => c,
            };
            if (replacement == c)
            {
                result?.Append(c);
                continue;
            }
            result ??= new StringBuilder(text, 0, i, text.Length);
            if (replacement is { } r) result.Append(r);
        }
        return result?.ToString() ?? text;
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
