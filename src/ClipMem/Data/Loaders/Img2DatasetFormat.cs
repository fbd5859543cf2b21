using System.Text.Json;

namespace ClipMem.Data.Loaders;

/// <summary>What an img2dataset load kept and what it left out.</summary>
/// <param name="Dataset">One sample per key with an image and a caption.</param>
/// <param name="EntriesWithoutImageCount">
/// Keys with a caption but no image: img2dataset writes the caption and metadata of a failed download
/// without an image, so these are download failures, not samples.
/// </param>
public sealed record Img2DatasetLoadResult(CaptionDataset Dataset, int EntriesWithoutImageCount);

/// <summary>Conventions shared by img2dataset's "files" and "webdataset" outputs.</summary>
internal static class Img2DatasetFormat
{
    public static readonly string[] ImageExtensions = ["jpg", "jpeg", "png", "webp"];

    public static bool IsImageExtension(string extension) =>
        ImageExtensions.Contains(extension.TrimStart('.').ToLowerInvariant());

    /// <summary>The "key" field of a sample's metadata JSON, or null when the JSON has none.</summary>
    public static string? ReadKey(ReadOnlySpan<byte> json, string origin)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(origin, null, "metadata JSON is not an object");
            if (!document.RootElement.TryGetProperty("key", out var key)) return null;
            return key.ValueKind switch
            {
                JsonValueKind.String => key.GetString(),
                JsonValueKind.Number => key.GetRawText(),
                _ => throw new DataFormatException(origin, null, $"metadata \"key\" is a {key.ValueKind}, expected a string"),
            };
        }
        catch (JsonException e)
        {
            throw new DataFormatException(origin, null,
                $"malformed metadata JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} of that line", e);
        }
    }

    /// <summary>img2dataset writes the caption as the whole .txt file, UTF-8, sometimes with a trailing newline.</summary>
    public static string DecodeCaption(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
}
