using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClipMem.Models;

/// <summary>
/// Model sizes as open_clip keeps them: one JSON file per size (Models/model_configs/clip-SIZE.json, embedded
/// in the library) with embed_dim, vision_cfg and text_cfg. The vocabulary is the run's tokenizer's; a
/// file's vocab_size is only the default when no tokenizer decides it.
/// </summary>
public static class ClipModelConfigs
{
    private const string Prefix = "model_configs/clip-";

    public static IReadOnlyList<string> Sizes { get; } = typeof(ClipModelConfigs).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    public static ClipConfig Load(string size, int? vocabularySize = null)
    {
        string name = $"{Prefix}{size}.json";
        using var stream = typeof(ClipModelConfigs).Assembly.GetManifestResourceStream(name)
                           ?? throw new ArgumentException($"Unknown model size '{size}': known sizes are {string.Join(", ", Sizes)}.");
        var root = JsonNode.Parse(stream) as JsonObject ?? throw new InvalidDataException($"{name}: not a JSON object");
        var vision = Section(root, "vision_cfg", name);
        var text = Section(root, "text_cfg", name);
        int vocabulary = vocabularySize ?? (text["vocab_size"] is JsonValue v ? v.GetValue<int>()
            : throw new ArgumentException($"{name} names no vocab_size: pass the tokenizer's vocabulary size."));
        var config = new ClipConfig(
            Int(root, "embed_dim", name),
            new VisionConfig(Int(vision, "image_size", name), Int(vision, "patch_size", name), Int(vision, "width", name), Int(vision, "layers", name),
                Int(vision, "heads", name), Double(vision, "mlp_ratio", name)),
            new TextConfig(Int(text, "context_length", name), vocabulary, Int(text, "width", name), Int(text, "layers", name), Int(text, "heads", name),
                Double(text, "mlp_ratio", name)));
        config.Validate();
        return config;
    }

    private static JsonObject Section(JsonObject root, string key, string file) =>
        root[key] as JsonObject ?? throw new InvalidDataException($"{file}: '{key}' is missing or not an object");

    private static int Int(JsonObject node, string key, string file) =>
        node[key] is JsonValue v && v.TryGetValue<int>(out int i) ? i : throw new InvalidDataException($"{file}: '{key}' is missing or not an integer");

    private static double Double(JsonObject node, string key, string file) =>
        node[key] is JsonValue v && v.TryGetValue<double>(out double d) ? d : throw new InvalidDataException($"{file}: '{key}' is missing or not a number");
}
