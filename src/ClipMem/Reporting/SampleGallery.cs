using System.Net;
using System.Text;
using ClipMem.Data;

namespace ClipMem.Reporting;

/// <summary>One tile of a gallery: the image with everything a person needs to judge the sample.</summary>
public sealed record GalleryItem(
    SampleId Id,
    RgbImage Image,
    IReadOnlyList<string> Captions,
    string? Split = null,
    GroundTruth? Truth = null,
    IReadOnlyList<string>? Labels = null,
    double? Score = null);

/// <summary>
/// Self-contained HTML image galleries (images inlined as PNG data URIs, no scripts, no network), so a
/// preview or report opens offline and can be mailed around as one file.
/// </summary>
public static class SampleGallery
{
    public static string Section(string title, IEnumerable<GalleryItem> items, string? note = null)
    {
        var html = new StringBuilder();
        html.Append("<section><h2>").Append(Encode(title)).Append("</h2>");
        if (note is not null) html.Append("<p class=\"note\">").Append(Encode(note)).Append("</p>");
        html.Append("<div class=\"gallery\">");
        foreach (var item in items) AppendTile(html, item);
        html.Append("</div></section>\n");
        return html.ToString();
    }

    public static string Page(string title, string body, string? subtitle = null) =>
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title>
        <style>{Css}</style></head>
        <body><h1>{Encode(title)}</h1>{(subtitle is null ? "" : $"<p class=\"note\">{Encode(subtitle)}</p>")}
        {body}
        </body></html>
        """;

    public const string Css = """
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
        .note { color: #555; max-width: 60em; }
        .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; }
        .tile { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; font-size: 12px; }
        .tile img { width: 128px; height: 128px; image-rendering: pixelated; display: block; margin: 0 auto 6px; border: 1px solid #ccc; object-fit: contain; }
        .tile .id { font-family: monospace; font-weight: 600; overflow-wrap: anywhere; }
        .tile ol { margin: 4px 0 0 1.3em; padding: 0; }
        .badge { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 2px 2px 0 0; font-size: 11px; background: #e8e8e8; }
        .badge.split { background: #dbe8ff; } .badge.mis { background: #ffd6d6; } .badge.aty { background: #fff0c2; }
        .badge.score { background: #d9f2dd; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th { background: #eee; } td:first-child, th:first-child { text-align: left; }
        """;

    public static string PngDataUri(RgbImage image) =>
        "data:image/png;base64," + Convert.ToBase64String(ImageDecoder.EncodePng(image));

    private static void AppendTile(StringBuilder html, GalleryItem item)
    {
        html.Append("<div class=\"tile\"><img alt=\"").Append(Encode(item.Id.Value)).Append("\" src=\"")
            .Append(PngDataUri(item.Image)).Append("\"><div class=\"id\">").Append(Encode(item.Id.Value)).Append("</div>");
        if (item.Split is not null) html.Append("<span class=\"badge split\">").Append(Encode(item.Split)).Append("</span>");
        if (item.Score is { } score) html.Append("<span class=\"badge score\">score ").Append(score.ToString("F3")).Append("</span>");
        if (item.Truth is { IsMiscaptioned: true }) html.Append("<span class=\"badge mis\">mis-captioned</span>");
        if (item.Truth is { IsAtypical: true }) html.Append("<span class=\"badge aty\">atypical</span>");
        if (item.Truth?.Reason is { } reason) html.Append("<div class=\"note\">").Append(Encode(reason)).Append("</div>");
        if (item.Labels is { Count: > 0 } labels)
            html.Append("<div class=\"note\">labels: ").Append(Encode(string.Join(", ", labels))).Append("</div>");
        html.Append("<ol>");
        foreach (var caption in item.Captions) html.Append("<li>").Append(Encode(caption)).Append("</li>");
        html.Append("</ol></div>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
