using System.Text;

namespace ClipMem.Reporting;

/// <summary>A titled part of a view: tables and notes in order, rendered as HTML or as plain text.</summary>
public sealed record ReportSection(string Title, IReadOnlyList<ReportTable> Tables, IReadOnlyList<string> Notes)
{
    public string ToHtml()
    {
        var html = new StringBuilder($"<h3>{HtmlView.Encode(Title)}</h3>");
        foreach (var table in Tables) html.Append(table.ToHtml());
        foreach (var note in Notes) html.Append("<p class=\"note\">").Append(HtmlView.Encode(note)).Append("</p>");
        return html.ToString();
    }

    public string ToText()
    {
        var text = new StringBuilder(Title).Append(':').AppendLine();
        foreach (var table in Tables) text.Append(table.ToText());
        foreach (var note in Notes) text.Append("  ").AppendLine(note);
        return text.ToString();
    }
}
