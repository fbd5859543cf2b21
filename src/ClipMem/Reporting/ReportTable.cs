using System.Globalization;
using System.Text;

namespace ClipMem.Reporting;

/// <summary>One table cell: its text, the number it sorts by (null: sorts as text), a tooltip.</summary>
public readonly record struct Cell(string Text, double? SortValue = null, string? Title = null)
{
    /// <summary>Text; long text (a sample's joined captions) is cut to keep rows one line high, the full text is the tooltip.</summary>
    public static Cell Of(string text) => text.Length <= 90 ? new(text) : new(text[..87] + "…", null, text);

    /// <summary>A signed number to 3 decimals (n/a when not finite), sorting by its value.</summary>
    public static Cell Signed(double value) => new(Common.SignedNumber.Format(value), value);

    public static Cell Number(double value, string text) => new(text, value);

    public static Cell Percent(double? value) => new(Common.Percentage.Format(value), value ?? double.NaN);

    public static Cell Flag(bool value, string? title = null) => new(value ? "yes" : "", null, title);
}

/// <summary>
/// A table of a view, with two targets: HTML (sortable by clicking a header when asked) and aligned plain
/// text for the CLI. Text columns align left, numbers right.
/// </summary>
public sealed record ReportTable(IReadOnlyList<string> Headers, IReadOnlyList<Cell[]> Rows, IReadOnlyList<int> TextColumns, int? TotalRows = null)
{
    /// <summary>A table whose first column is text (names of measures or splits) and whose other columns are values.</summary>
    public static ReportTable Labelled(IReadOnlyList<string> headers, IEnumerable<Cell[]> rows, params int[] moreTextColumns) =>
        new(headers, rows.ToList(), [0, .. moreTextColumns]);

    public string ToHtml(bool sortable = false)
    {
        // Only a sortable table needs an id, for its script to find it.
        string id = "clipmem-table-" + Guid.NewGuid().ToString("N")[..12];
        var html = new StringBuilder(sortable ? $"<table id=\"{id}\"><thead><tr>" : "<table><thead><tr>");
        for (int i = 0; i < Headers.Count; i++)
        {
            string classes = string.Join(' ', new[] { sortable ? "sortable" : "", TextColumns.Contains(i) ? "t" : "" }.Where(c => c != ""));
            html.Append($"<th{(classes == "" ? "" : $" class=\"{classes}\"")}{(sortable ? " title=\"sort\"" : "")}>{HtmlView.Encode(Headers[i])}</th>");
        }
        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Length; i++)
            {
                var c = row[i];
                string value = sortable && c.SortValue is { } v ? $" data-v=\"{(double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NaN")}\"" : "";
                string title = c.Title is { Length: > 0 } t ? $" title=\"{HtmlView.Encode(t)}\"" : "";
                html.Append($"<td{(TextColumns.Contains(i) ? " class=\"t\"" : "")}{value}{title}>{HtmlView.Encode(c.Text)}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (TotalRows is { } total && total > Rows.Count) html.Append($"<p class=\"note\">{Rows.Count} of {total} rows shown.</p>");
        if (sortable) html.Append(SortScript.Replace("TABLE_ID", id));
        return html.ToString();
    }

    /// <summary>The table as aligned columns under a header line, indented by <paramref name="indent"/>.</summary>
    public string ToText(string indent = "  ")
    {
        var lines = Rows.Select(r => r.Select(c => c.Text).ToArray()).Prepend(Headers.ToArray()).ToList();
        var widths = Enumerable.Range(0, Headers.Count).Select(c => lines.Max(l => c < l.Length ? l[c].Length : 0)).ToArray();
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            var cells = line.Select((cell, c) => TextColumns.Contains(c) ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            text.Append(indent).AppendLine(string.Join("  ", cells).TrimEnd());
        }
        if (TotalRows is { } total && total > Rows.Count) text.Append(indent).AppendLine($"({Rows.Count} of {total} rows shown)");
        return text.ToString();
    }

    private const string SortScript = """
        <script>(function () {
          var table = document.getElementById('TABLE_ID');
          table.querySelectorAll('th').forEach(function (th, col) {
            th.addEventListener('click', function () {
              var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
              var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
              var key = function (row) { var c = row.cells[col]; return c.dataset.v !== undefined ? parseFloat(c.dataset.v) : c.textContent; };
              rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
              rows.forEach(function (r) { body.appendChild(r); });
            });
          });
        })();</script>
        """;
}
