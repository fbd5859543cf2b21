using System.Security.Cryptography;
using System.Text.Json;

namespace ClipMem.Common;

/// <summary>
/// SHA-256 manifests of a folder's files (checkpoints), so a flipped byte or a cut-off file is found before it
/// is loaded: a TorchSharp state dict with a flipped byte in a weight loads without complaint.
/// </summary>
public static class Checksums
{
    public const string ManifestFile = "checksums.json";

    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes the manifest of every file in the folder (itself excepted); call it last, when the folder is complete.</summary>
    public static void WriteManifest(string folder)
    {
        var manifest = Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != ManifestFile).Order(StringComparer.Ordinal)
            .ToDictionary(n => n!, n => Of(Path.Combine(folder, n!)));
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, Json.Options));
    }

    /// <summary>Null when every file of the manifest is there with its checksum; otherwise what is wrong, naming the file.</summary>
    public static string? Verify(string folder)
    {
        string manifestPath = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifestPath)) return $"{ManifestFile} is missing (the folder was not completed, or written before checksums)";
        Dictionary<string, string>? manifest;
        try { manifest = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifestPath)); }
        catch (JsonException e) { return $"{ManifestFile} is unreadable: {e.Message}"; }
        if (manifest is null || manifest.Count == 0) return $"{ManifestFile} lists no files";
        foreach (var (name, expected) in manifest)
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path)) return $"{name} is missing";
            if (Of(path) != expected) return $"{name} does not match its checksum (flipped or cut-off bytes)";
        }
        return null;
    }
}
