using ClipMem.Experiments.Mitigations;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Notebooks;

/// <summary>notebooks/05-mitigations.dib run headlessly on the tiny preset: the quick captions and noise sweeps at one seed.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class MitigationNotebookTests
{
    [Fact]
    public async Task TheNotebookRunsBothSweepsAndDrawsOursBesideTheStudy()
    {
        using var dir = new TempDirectory();
        var run = await NotebookRuns.RunAsync("05-mitigations.dib", new() { ["studyDirectory"] = dir.Path });
        var html = run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();

        var tables = html.Where(h => h.Contains("<table", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, tables.Count);
        Assert.Contains("3 captions", tables[0]);
        Assert.Contains("sigma 0.15", tables[1]);
        Assert.Contains("lowest-similarity 19", tables[2]);      // 32% of the tiny preset's 60 S_C samples
        var charts = html.Where(h => h.Contains(NotebookRuns.ChartMarker, StringComparison.Ordinal)).ToList();
        Assert.Equal(9, charts.Count);                           // per experiment: memorization, utility, trade-off
        Assert.Contains("Captions per image: mean CLIPMem over S_C, change from the baseline", charts[0]);
        Assert.Contains("study (COCO, ViT-B/32; its own scale)", charts[0]);
        Assert.Contains("utility against memorization", charts[5]);
        Assert.Contains("study: clipmem (COCO, ImageNet probe)", charts[6]);
        foreach (var experiment in new[] { MitigationGrid.Captions, MitigationGrid.Noise, MitigationGrid.Removal })
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, experiment, MitigationStudy.RunsTable + ".csv")), experiment);
            Assert.True(File.Exists(Path.Combine(dir.Path, experiment, MitigationStudy.SummaryTable + ".parquet")), experiment);
        }
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir.Path, MitigationGrid.Captions, MitigationStudy.RunsTable + ".csv")).Length);
    }

    [Fact]
    public async Task TheTextAgainstImageNotebookShowsTheGeneratedImagesAndTable1BesideTheStudy()
    {
        using var dir = new TempDirectory();
        var run = await NotebookRuns.RunAsync("04-text-vs-image.dib", new() { ["studyDirectory"] = dir.Path });
        var html = run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();

        var gallery = Assert.Single(html, h => h.Contains("Generated images: 5 per sample", StringComparison.Ordinal));
        Assert.Contains("re-rendered from the caption", gallery);
        Assert.Equal(4 * 6, System.Text.RegularExpressions.Regex.Count(gallery, "<img "));     // 4 samples: the own image and 5 generated
        var table = Assert.Single(html, h => h.Contains("<table", StringComparison.Ordinal) && h.Contains("5 generated images, 5 captions", StringComparison.Ordinal));
        Assert.Contains("1 image, 5 captions", table);
        var charts = html.Where(h => h.Contains(NotebookRuns.ChartMarker, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, charts.Count);
        Assert.Contains("Text against image (Table 1): mean CLIPMem over S_C", charts[0]);
        Assert.Contains("5 gen / 5 cap", charts[0]);
        Assert.Contains("study (ImageNet)", charts[1]);
        var rows = File.ReadAllLines(Path.Combine(dir.Path, MitigationStudy.RunsTable + ".csv"));
        Assert.Equal(6, rows.Length);                                                            // header and the five cases at one seed
        Assert.True(File.Exists(Path.Combine(dir.Path, "seed-0", "text-vs-image-5", "scores.csv")));
    }
}
