using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipMem.Data.Loaders;

/// <summary>What a COCO load kept and what it left out.</summary>
/// <param name="Dataset">One sample per captioned image.</param>
/// <param name="ImagesWithoutCaptionCount">Images listed in the annotations file that no caption refers to; they are not samples.</param>
public sealed record CocoLoadResult(CaptionDataset Dataset, int ImagesWithoutCaptionCount);

/// <summary>
/// COCO captions (captions_train2017.json and the like): an "images" list and an "annotations" list of
/// captions pointing at image ids. One sample per captioned image, with all its captions (COCO has about
/// five), ordered by annotation id so the caption order is the same on every machine.
/// </summary>
public static class CocoCaptionsLoader
{
    public const string DatasetName = "coco";

    public static CaptionDataset Load(string annotationsJsonPath, string imageDirectory, ImageLimits? limits = null) =>
        LoadWithReport(annotationsJsonPath, imageDirectory, limits).Dataset;

    public static CocoLoadResult LoadWithReport(string annotationsJsonPath, string imageDirectory, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        var file = ReadAnnotationsFile(annotationsJsonPath);
        var images = file.Images ?? throw new DataFormatException(annotationsJsonPath, null, "no \"images\" list");
        var annotations = file.Annotations ?? throw new DataFormatException(annotationsJsonPath, null, "no \"annotations\" list");

        var captionsByImage = CollectCaptions(annotationsJsonPath, images, annotations);
        var samples = new List<Sample>(images.Count);
        int withoutCaption = 0;
        foreach (var image in images)
        {
            var captions = captionsByImage[image.Id!.Value];
            if (captions.Count == 0)
            {
                withoutCaption++;
                continue;
            }
            var id = LoaderChecks.CreateId($"coco-{image.Id}", annotationsJsonPath, $"image {image.Id}");
            string path = Path.Combine(imageDirectory, image.FileName!);
            LoaderChecks.RequireImageFile(path, id, limits, annotationsJsonPath);
            var ordered = captions.OrderBy(c => c.Order).Select(c => c.Text).ToArray();
            samples.Add(new Sample(id, new FileImageSource(path, id, limits), ordered));
        }
        return new CocoLoadResult(new CaptionDataset(DatasetName, annotationsJsonPath, samples), withoutCaption);
    }

    private static CocoFile ReadAnnotationsFile(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, "annotations file is missing");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<CocoFile>(stream)
                   ?? throw new DataFormatException(path, null, "annotations file holds JSON null, not an object");
        }
        catch (JsonException e)
        {
            // JsonException counts lines and bytes from zero; editors count from one.
            string where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1} of that line" : "";
            string path2 = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (JSON path {e.Path})";
            throw new DataFormatException(path, null, $"malformed JSON{where}{path2}: {Plainly(e)}", e);
        }
    }

    private static Dictionary<long, List<(long Order, string Text)>> CollectCaptions(
        string file, List<CocoImage> images, List<CocoAnnotation> annotations)
    {
        var byImage = new Dictionary<long, List<(long, string)>>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.Id is not { } imageId)
                throw new DataFormatException(file, null, $"images[{i}] has no \"id\"");
            if (string.IsNullOrWhiteSpace(image.FileName))
                throw new DataFormatException(file, $"coco-{imageId}", $"images[{i}] has no \"file_name\"");
            if (!byImage.TryAdd(imageId, []))
                throw new DataFormatException(file, $"coco-{imageId}", $"images[{i}] repeats image id {imageId}");
            if (Path.IsPathRooted(image.FileName) || image.FileName.Replace('\\', '/').Split('/').Contains(".."))
                throw new DataFormatException(file, $"coco-{imageId}", $"images[{i}]: file_name '{image.FileName}' is not a path inside the image folder");
        }

        var annotationIndexById = new Dictionary<long, int>();

        for (int a = 0; a < annotations.Count; a++)
        {
            var annotation = annotations[a];
            if (annotation.ImageId is not { } imageId)
                throw new DataFormatException(file, null, $"annotations[{a}] has no \"image_id\"");
            if (!byImage.TryGetValue(imageId, out var captions))
                throw new DataFormatException(file, null,
                    $"annotations[{a}] (annotation id {annotation.Id?.ToString() ?? "none"}) refers to image id {imageId}, which is not in \"images\"");
            if (annotation.Id is { } annotationId && !annotationIndexById.TryAdd(annotationId, a))
                throw new DataFormatException(file, null, $"annotations[{a}] repeats annotation id {annotationId} of annotations[{annotationIndexById[annotationId]}]");
            var id = new SampleId($"coco-{imageId}");
            string caption = LoaderChecks.RequireCaption(annotation.Caption, file, id, $"annotations[{a}] (annotation id {annotation.Id?.ToString() ?? "none"})");
            // Annotations without an id keep their file order, after those with one.
            captions.Add((annotation.Id ?? long.MaxValue, caption));
        }
        return byImage;
    }

    /// <summary>
    /// "The JSON value could not be converted to System.Nullable`1[System.Int64]" says, in .NET's words, that a
    /// value has the wrong JSON type; this says which type the COCO format wants there.
    /// </summary>
    private static string Plainly(JsonException e)
    {
        // A string with bytes that are not UTF-8 is reported as a value that "could not be converted to System.String".
        if (e.InnerException is InvalidOperationException inner && inner.Message.Contains("UTF-8", StringComparison.Ordinal))
            return "text that is not valid UTF-8 (save the file as UTF-8)";
        string message = FirstSentence(e.Message);
        const string prefix = "The JSON value could not be converted to ";
        if (!message.StartsWith(prefix, StringComparison.Ordinal)) return message;
        string type = message[prefix.Length..].TrimEnd('.');
        string wanted = type switch
        {
            _ when type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
            _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list",
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ when type.Contains(nameof(CocoFile), StringComparison.Ordinal) => "an object with \"images\" and \"annotations\"",
            _ when type.Contains("+Coco", StringComparison.Ordinal) => "an object",
            _ => type,
        };
        return $"the value has the wrong type: COCO wants {wanted} there";
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private sealed class CocoFile
    {
        [JsonPropertyName("images")] public List<CocoImage>? Images { get; set; }
        [JsonPropertyName("annotations")] public List<CocoAnnotation>? Annotations { get; set; }
    }

    private sealed class CocoImage
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("file_name")] public string? FileName { get; set; }
    }

    private sealed class CocoAnnotation
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("image_id")] public long? ImageId { get; set; }
        [JsonPropertyName("caption")] public string? Caption { get; set; }
    }
}
