using ClipMem.Interactive;

namespace ClipMem.Tests.Notebooks;

/// <summary>notebooks/01-data-and-splits.dib run headlessly: no training, seconds.</summary>
public class DataNotebookTests
{
    [Fact]
    public async Task DataNotebookShowsSamplesChartsAndTheInjectedMiscaptions()
    {
        var run = await NotebookRuns.RunAsync("01-data-and-splits.dib", new() { ["pool"] = "800" });
        var html = run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();
        Assert.Equal(2, html.Count(h => h.Contains(NotebookRuns.ChartMarker, StringComparison.Ordinal)));   // caption lengths, split sizes
        var tables = html.Where(h => h.Contains("clipmem-table-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, tables.Count);                                                             // splits beside the study's, injected captions
        Assert.Contains("65000", tables[0]);                                                       // the study's S_S
        var galleries = html.Where(h => h.Contains("class=\"tile\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, galleries.Count);                                                          // samples, mis-captioned
        Assert.Equal(12, galleries[0].Split("class=\"tile\"").Length - 1);
        // 5% of an S_C of 50 (pool 800 at 13:1:1:1) rounds to 2 or 3 injected samples; every tile is flagged.
        int injected = galleries[1].Split("class=\"tile\"").Length - 1;
        Assert.InRange(injected, 2, 3);
        Assert.Equal(injected, galleries[1].Split("mis-captioned</span>").Length - 1);
        Assert.Contains($"{injected} rows × 4 columns", System.Net.WebUtility.HtmlDecode(tables[1]));
    }
}
