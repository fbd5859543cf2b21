using ClipMem.Interactive;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Notebooks;

/// <summary>notebooks/00-quickstart.dib run headlessly on the tiny preset (about a minute on 2 cores).</summary>
[Collection(TorchRandomStateCollection.Name)]
public class QuickstartNotebookTests
{
    [Fact]
    public async Task QuickstartRunsOnTheTinyPresetAndShowsItsChartsTablesAndGalleries()
    {
        using var dir = new TempDirectory();
        var run = await NotebookRuns.RunAsync("00-quickstart.dib", new() { ["preset"] = "tiny", ["runDirectory"] = Path.Combine(dir.Path, "run") });
        var html = run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();
        Assert.Equal(2, html.Count(h => h.Contains(NotebookRuns.ChartMarker, StringComparison.Ordinal)));   // split means, histogram
        Assert.Equal(2, html.Count(h => h.Contains("clipmem-table-", StringComparison.Ordinal))); // split statistics (DataFrame), score table
        Assert.Single(html, h => h.Contains("mean CLIPMem", StringComparison.Ordinal) && h.Contains("AUROC", StringComparison.Ordinal)); // summary
        Assert.Equal(2, html.Count(h => h.Contains("class=\"tile\"", StringComparison.Ordinal))); // most and least memorized
        Assert.True(File.Exists(Path.Combine(dir.Path, "run", "scores.csv")));

        string page = NotebookHtml.Render(run);
        Assert.Equal(1, CountOf(page, ClipMem.Reporting.PlotlyScript.InlineTag()[..300])); // plotly.js embedded exactly once
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
