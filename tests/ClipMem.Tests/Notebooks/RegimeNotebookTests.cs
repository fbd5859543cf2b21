using ClipMem.Experiments.Regime;
using ClipMem.Interactive;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Notebooks;

/// <summary>notebooks/09-memorization-regime.dib run headlessly on the tiny preset, one factor (4 runs, about a minute).</summary>
[Collection(TorchRandomStateCollection.Name)]
public class RegimeNotebookTests
{
    [Fact]
    public async Task RegimeNotebookRunsTheStudyAndChartsGapsAndLossesPerFactor()
    {
        using var dir = new TempDirectory();
        var run = await NotebookRuns.RunAsync("09-memorization-regime.dib", new() { ["factors"] = "epochs", ["studyDirectory"] = dir.Path });
        var html = run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();
        var table = Assert.Single(html, h => h.Contains("clipmem-table-", StringComparison.Ordinal));
        Assert.Contains("4 rows", table);                                     // the baseline and 3 epoch settings
        var charts = html.Where(h => h.Contains(NotebookRuns.ChartMarker, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, charts.Count);                                        // gaps and losses along epochs
        Assert.Contains("clean S_C - S_S", charts[0]);
        Assert.Contains("held-out (S_E)", charts[1]);                     // per epoch, one pair of lines per setting
        Assert.Contains("Training and held-out loss per epoch", charts[1]);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir.Path, RegimeStudy.TableFile)).Length);
    }
}
