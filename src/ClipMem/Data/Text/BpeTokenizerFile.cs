using System.Text.Encodings.Web;
using System.Text.Json;
using ClipMem.Common;

namespace ClipMem.Data.Text;

/// <summary>
/// The tokenizer's JSON file. The merges (rank order, CLIP's "left right" lines) define everything; the
/// vocabulary is written only for people inspecting the file and is checked against the merges on load,
/// as are the stored size and fingerprint, so an edited or damaged file fails loudly instead of encoding
/// differently.
/// </summary>
internal static class BpeTokenizerFile
{
    public static void Write(BpeTokenizer tokenizer, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Relaxed escaping keeps symbols such as "Ġ" and "</w>" readable in the file.
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, options);
            json.WriteStartObject();
            json.WriteString("format", BpeTokenizer.FormatName);
            json.WriteNumber("version", BpeTokenizer.FormatVersion);
            json.WriteString("fingerprint", tokenizer.Fingerprint);
            json.WriteNumber("vocabularySize", tokenizer.VocabularySize);
            json.WriteString("startToken", BpeTokenizer.StartToken);
            json.WriteString("endToken", BpeTokenizer.EndToken);
            json.WriteNumber("padTokenId", tokenizer.PadTokenId);
            json.WriteStartArray("merges");
            foreach (var merge in tokenizer.Merges) json.WriteStringValue(merge.ToString());
            json.WriteEndArray();
            json.WriteStartArray("vocabulary");
            for (int id = 0; id < tokenizer.VocabularySize; id++) json.WriteStringValue(tokenizer.TokenText(id));
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    public static BpeTokenizer Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        try
        {
            // The stream overload skips a UTF-8 byte-order mark, which some editors add on save.
            using var document = JsonDocument.Parse(stream);
            return Read(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, null, $"not valid JSON: {e.Message}", e);
        }
    }

    private static BpeTokenizer Read(JsonElement root, string path)
    {
        DataFormatException Bad(string problem) => new(path, null, problem);

        if (root.ValueKind != JsonValueKind.Object) throw Bad($"expected a JSON object, found {root.ValueKind}");

        string format = RequiredString(root, "format", path);
        if (format != BpeTokenizer.FormatName)
            throw Bad($"format is '{format}', expected '{BpeTokenizer.FormatName}'; this is not a ClipMem tokenizer file");
        int version = RequiredInt(root, "version", path);
        if (version != BpeTokenizer.FormatVersion)
            throw Bad($"format version {version} is not supported (this build reads version {BpeTokenizer.FormatVersion})");
        ExpectString(root, "startToken", BpeTokenizer.StartToken, path);
        ExpectString(root, "endToken", BpeTokenizer.EndToken, path);
        if (RequiredInt(root, "padTokenId", path) is var pad and not 0) throw Bad($"padTokenId is {pad}, expected 0");

        var mergesElement = RequiredProperty(root, "merges", JsonValueKind.Array, path);
        var merges = new List<BpeMerge>(mergesElement.GetArrayLength());
        foreach (var line in mergesElement.EnumerateArray())
        {
            if (line.ValueKind != JsonValueKind.String || !BpeMerge.TryParse(line.GetString()!, out var merge))
                throw Bad($"merge {merges.Count} ({line.GetRawText()}) is not a string of two tokens separated by one space");
            merges.Add(merge);
        }

        var tokenizer = BpeTokenizer.TryFromMerges(merges, out string? problem) ?? throw Bad(problem!);

        int size = RequiredInt(root, "vocabularySize", path);
        if (size != tokenizer.VocabularySize)
            throw Bad($"vocabularySize is {size} but the {merges.Count} merges give {tokenizer.VocabularySize}");
        string fingerprint = RequiredString(root, "fingerprint", path);
        if (fingerprint != tokenizer.Fingerprint)
            throw Bad($"fingerprint {fingerprint} does not match the merges ({tokenizer.Fingerprint}); the file was edited or damaged");

        if (root.TryGetProperty("vocabulary", out var vocabulary))
        {
            if (vocabulary.ValueKind != JsonValueKind.Array || vocabulary.GetArrayLength() != tokenizer.VocabularySize)
                throw Bad($"vocabulary must be an array of {tokenizer.VocabularySize} token strings");
            int id = 0;
            foreach (var token in vocabulary.EnumerateArray())
            {
                string expected = tokenizer.TokenText(id);
                if (token.ValueKind != JsonValueKind.String || token.GetString() != expected)
                    throw Bad($"vocabulary entry {id} is {token.GetRawText()} but the merges give '{expected}'");
                id++;
            }
        }
        return tokenizer;
    }

    private static JsonElement RequiredProperty(JsonElement root, string name, JsonValueKind kind, string path)
    {
        if (!root.TryGetProperty(name, out var value))
            throw new DataFormatException(path, null, $"missing property '{name}'");
        if (value.ValueKind != kind)
            throw new DataFormatException(path, null, $"property '{name}' must be {kind}, found {value.ValueKind}");
        return value;
    }

    private static string RequiredString(JsonElement root, string name, string path) =>
        RequiredProperty(root, name, JsonValueKind.String, path).GetString()!;

    private static int RequiredInt(JsonElement root, string name, string path) =>
        RequiredProperty(root, name, JsonValueKind.Number, path) is var value && value.TryGetInt32(out int number)
            ? number
            : throw new DataFormatException(path, null, $"property '{name}' must be a whole number");

    private static void ExpectString(JsonElement root, string name, string expected, string path)
    {
        string actual = RequiredString(root, name, path);
        if (actual != expected)
            throw new DataFormatException(path, null, $"{name} is '{actual}', expected '{expected}'");
    }
}
