using System.Security.Cryptography;
using System.Text.Json;
using ClipMem.Common;

namespace ClipMem.Data.Loaders;

/// <summary>One file of a fetched dataset as it was when the fetch completed.</summary>
public sealed record FetchedFile(string Path, long Bytes, string Sha256);

/// <summary>
/// Written last, atomically, into a fetched dataset's folder: its presence means the folder is complete and
/// was verified. It records what was installed (package, version) and every file's size and SHA-256, so a
/// later run can tell a complete folder from one damaged or edited since.
/// </summary>
public sealed record FetchMarker(string Dataset, string Package, string Version, string Source, DateTime FetchedUtc, IReadOnlyList<FetchedFile> Files)
{
    public const string FileName = ".clipmem-fetch.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static FetchMarker Describe(string dataset, string package, string version, string source, string folder)
    {
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(p => System.IO.Path.GetFileName(p) != FileName)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new FetchedFile(LoaderChecks.RelativeSlashPath(folder, p), new FileInfo(p).Length, HashFile(p)))
            .ToArray();
        return new FetchMarker(dataset, package, version, source, DateTime.UtcNow, files);
    }

    public void WriteInto(string folder) =>
        AtomicFile.WriteAllText(System.IO.Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>The marker in a folder, or null when there is none or it cannot be read (both mean: not complete).</summary>
    public static FetchMarker? TryRead(string folder)
    {
        string path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<FetchMarker>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first difference between the folder and this record, or null when they agree. Sizes only by
    /// default (a stat per file); with <paramref name="checkHashes"/> every file is re-read and hashed.
    /// </summary>
    public string? FindDifference(string folder, bool checkHashes)
    {
        if (Files is null || Files.Count == 0) return "the marker lists no files";
        foreach (var file in Files)
        {
            var info = new FileInfo(System.IO.Path.Combine(folder, file.Path));
            if (!info.Exists) return $"{file.Path} is missing";
            if (info.Length != file.Bytes) return $"{file.Path} has {info.Length:N0} bytes, expected {file.Bytes:N0}";
            if (checkHashes && HashFile(info.FullName) != file.Sha256) return $"{file.Path} has changed (SHA-256 differs)";
        }
        return null;
    }

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
