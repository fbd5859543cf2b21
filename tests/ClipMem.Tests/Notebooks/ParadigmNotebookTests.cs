using ClipMem.Experiments.Paradigms;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Notebooks;

/// <summary>notebooks/06-ssl-vs-supervised.dib run headlessly on the tiny preset: CLIP, DINO and the supervised ViT at one seed.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class ParadigmNotebookTests
{
    [Fact]
    public async Task TheNotebookComparesThreeParadigmsAndDrawsEveryView()
    {
        using var dir = new TempDirectory();
        var run = await NotebookRuns.RunAsync("06-ssl-vs-supervised.dib", new() { ["studyDirectory"] = dir.Path });
        var html = run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();
        var text = string.Concat(run.Outputs.Where(o => o.MimeType == "text/plain").Select(o => o.Value));

        var tables = html.Where(h => h.Contains("<table", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, tables.Count);                                            // summary, UnitMem per layer, agreement
        foreach (var name in new[] { "CLIP", "SSL (DINO)", "supervised" }) Assert.Contains(name, tables[0]);
        Assert.Contains("top sample injected", tables[1]);
        Assert.Contains("CLIP ~ SSL (DINO)", tables[2]);
        var charts = html.Where(h => h.Contains(NotebookRuns.ChartMarker, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, charts.Count);                                            // UnitMem per layer, rankings, distributions
        Assert.Contains("UnitMem per layer", charts[0]);
        Assert.Contains("study: CLIP ViT-B", charts[0]);
        Assert.Contains("AUROC", charts[1]);
        Assert.Contains("SSL (DINO) S_I", charts[2]);
        // One seed gives no interval: the notebook says so rather than judge.
        Assert.Contains("not judged, an interval needs 2 or more seeds", text);
        Assert.True(File.Exists(Path.Combine(dir.Path, ParadigmStudy.ResultFile)));
        foreach (var paradigm in ParadigmStudy.Paradigms) Assert.True(File.Exists(Path.Combine(dir.Path, "seed-0", paradigm, ScoreRecords.FileName)), paradigm);
    }
}
