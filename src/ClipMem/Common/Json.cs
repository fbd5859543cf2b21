using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipMem.Common;

/// <summary>One JSON style for every file the workbench writes: snake_case names, indented, enums as strings.</summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Single-line form for JSON Lines files (metrics.jsonl).</summary>
    public static JsonSerializerOptions Line { get; } = new(Options) { WriteIndented = false };
}
