using ClipMem.Reporting;
using Microsoft.Data.Analysis;

namespace ClipMem.Tests.Notebooks;

/// <summary>The table view notebooks show of DataFrames.</summary>
public class FormatterTests
{
    [Fact]
    public void DataFrameTableSortsNumbersByValueAndShortensLongText()
    {
        string caption = string.Join(' ', Enumerable.Repeat("word", 40));
        var frame = new DataFrame(
            new StringDataFrameColumn("sample_id", ["a", "b"]),
            new DoubleDataFrameColumn("clipmem", [0.123456, -0.0015]),
            new BooleanDataFrameColumn("miscaptioned", [true, false]),
            new StringDataFrameColumn("captions", [caption, "short"]));
        string html = TableViews.Frame(frame, maxRows: 1).ToHtml(sortable: true);

        Assert.Equal("2 rows × 4 columns", TableViews.FrameCaption(frame));
        Assert.Contains("data-v=\"0.123456\">0.1235</td>", html);     // sorts by the exact value, shows 4 digits
        Assert.DoesNotContain("-0.0015", html);                        // only the first row is shown
        Assert.Contains("1 of 2 rows shown", html);
        Assert.Contains($"title=\"{caption}\"", html);                // the full caption is the tooltip
        Assert.Contains("…</td>", html);
        Assert.Contains("<td>yes</td>", html);
    }
}
