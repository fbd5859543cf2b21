using System.Text.Json;
using System.Text.Json.Serialization;
using ClipMem.Common;

namespace ClipMem.Experiments;

/// <summary>
/// An experiment config as a JSON file a researcher edits (`clipmem config --preset quick > my.json`, then
/// `clipmem reproduce --config my.json`): the sections of <see cref="ExperimentConfig"/> in snake_case. Reading
/// is strict: an unknown or missing field, a value of the wrong type or outside its range is an error that
/// names the file and the field, before anything is written or trained.
/// </summary>
public static class ExperimentConfigFile
{
    private static readonly JsonSerializerOptions Strict = new(Json.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static string Serialize(ExperimentConfig config) => JsonSerializer.Serialize(config, Json.Options);

    public static ExperimentConfig Parse(string json, string source)
    {
        ExperimentConfig? config;
        try { config = JsonSerializer.Deserialize<ExperimentConfig>(json, Strict); }
        catch (JsonException e)
        {
            // System.Text.Json names the field as a JSON path ($.data.captions_per_image); that is the useful part.
            throw new ArgumentException($"{source}: {e.Message.Split(" Path:")[0].TrimEnd('.')}{(e.Path is null ? "" : $" (at {e.Path})")}.", e);
        }
        if (config is null) throw new ArgumentException($"{source}: the file holds no config (null).");
        try { config.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException($"{source}: {e.Message}", e); }
        return config;
    }

    public static ExperimentConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such config file (`clipmem config --preset quick` prints one to start from).", path);
        return Parse(File.ReadAllText(path), path);
    }
}
