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
/// Self-contained HTML image galleries, styled by <see cref="HtmlView.Css"/> (images inlined as PNG data URIs, no scripts, no network), so a
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

    private static string Encode(string text) => HtmlView.Encode(text);
}
