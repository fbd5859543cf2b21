using System.Globalization;
using ClipMem.Experiments;
using Microsoft.Data.Analysis;

namespace ClipMem.Reporting;

/// <summary>Score rows and data frames as tables: what notebooks display of them (sortable) and the CLI prints.</summary>
public static class TableViews
{
    /// <summary>Ranked score rows; at most <paramref name="maxRows"/> are shown.</summary>
    public static ReportTable ScoreRows(IReadOnlyList<ScoreRow> rows, int maxRows = 200) => new(
        ["rank", "sample id", "split", "CLIPMem", "raw", "align f", "align g", "mis-captioned", "atypical", "first caption"],
        rows.Take(maxRows).Select(r => new[]
        {
            Cell.Number(r.Rank, r.Rank.ToString(CultureInfo.InvariantCulture)), Cell.Of(r.SampleId), Cell.Of(r.Split),
            Cell.Signed(r.ClipMem), Cell.Signed(r.Raw), Cell.Signed(r.AlignF), Cell.Signed(r.AlignG),
            Cell.Flag(r.Miscaptioned), Cell.Flag(r.Atypical, r.Reason), Cell.Of(r.Captions.Split(" | ")[0]),
        }).ToList(),
        [1, 2, 9], rows.Count);

    /// <summary>A data frame: numbers to 4 significant digits (sorted by value), text as it is; at most <paramref name="maxRows"/> rows.</summary>
    public static ReportTable Frame(DataFrame frame, int maxRows = 100)
    {
        var columns = frame.Columns.ToList();
        var rows = new List<Cell[]>();
        for (long r = 0; r < Math.Min(frame.Rows.Count, maxRows); r++)
            rows.Add(columns.Select(c => c[r] switch
            {
                null => Cell.Of(""),
                bool b => Cell.Flag(b),
                double d => Cell.Number(d, Plain(d)),
                float f => Cell.Number(f, Plain(f)),
                int or long or short => Cell.Number(Convert.ToDouble(c[r], CultureInfo.InvariantCulture), Convert.ToString(c[r], CultureInfo.InvariantCulture)!),
                var other => Cell.Of(Convert.ToString(other, CultureInfo.InvariantCulture) ?? ""),
            }).ToArray());
        var textColumns = columns.Select((c, i) => (c, i)).Where(p => p.c.DataType == typeof(string)).Select(p => p.i).ToArray();
        return new ReportTable(columns.Select(c => c.Name).ToArray(), rows, textColumns, (int)frame.Rows.Count);
    }

    /// <summary>A study's table of cell texts (one string[] per row) as a data frame of text columns, for a notebook.</summary>
    public static DataFrame TextFrame(IReadOnlyList<string> columns, IReadOnlyList<string[]> rows) =>
        new(columns.Select((name, c) => (DataFrameColumn)new StringDataFrameColumn(name, rows.Select(row => row[c]))));

    /// <summary>The same cell texts as an aligned table, every column text, for the CLI.</summary>
    public static ReportTable TextTable(IReadOnlyList<string> columns, IReadOnlyList<string[]> rows) =>
        new(columns, rows.Select(r => r.Select(Cell.Of).ToArray()).ToList(), Enumerable.Range(0, columns.Count).ToArray());

    /// <summary>The frame's size line shown above its table.</summary>
    public static string FrameCaption(DataFrame frame) => $"{frame.Rows.Count} rows × {frame.Columns.Count} columns";

    // Four significant digits: scores near 1 and small distances (1e-3 at tiny widths) both stay readable.
    private static string Plain(double value) => double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
}
