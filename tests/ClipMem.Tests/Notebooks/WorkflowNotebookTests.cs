using ClipMem.Interactive;
using ClipMem.Tests.Experiments;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Notebooks;

/// <summary>
/// notebooks/02-training, 03-clipmem and 08-explore-scores run headlessly on the tiny preset; each must produce
/// the charts, tables and galleries its text promises. 03 and 08 read the collection's finished tiny runs.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class WorkflowNotebookTests(TinyRuns runs)
{
    [Fact]
    public async Task TrainingNotebookTrainsWithLiveProgressAndShowsCurvesAndUtility()
    {
        using var dir = new TempDirectory();
        var run = await NotebookRuns.RunAsync("02-training.dib", new() { ["preset"] = "tiny", ["runDirectory"] = Path.Combine(dir.Path, "run") });

        var html = Html(run);
        Assert.Equal(5, Count(html, NotebookRuns.ChartMarker));         // loss per epoch, loss per step, logit scale, learning rate, probe
        Assert.Equal(2, Count(html, "clipmem-table-"));        // recipe, utility
        var progress = Assert.Single(html, h => h.Contains("loss per step", StringComparison.Ordinal));
        Assert.Equal(2, progress.Split("done</td>").Length - 1); // f and g both finished, shown in the one live display
        Assert.Contains("63.11 %", string.Concat(html));       // the study's value beside ours
        Assert.True(File.Exists(Path.Combine(dir.Path, "run", "f", "metrics.jsonl")));
    }

    [Fact]
    public async Task ScoringNotebookShowsSignPatternGalleriesAndWhatGetsMemorized()
    {
        var result = runs.Baseline;
        var run = await NotebookRuns.RunAsync("03-clipmem.dib", new() { ["preset"] = "tiny", ["seed"] = "0", ["runDirectory"] = result.RunDirectory });

        var html = Html(run);
        Assert.Equal(9, Count(html, NotebookRuns.ChartMarker));   // histogram, means, ROC, boxes, atypicality, caption length, similarity f and g, UnitMem
        Assert.Equal(2, Count(html, "clipmem-table-"));  // split statistics, S_C frame
        Assert.Single(html, h => h.Contains("AUROC", StringComparison.Ordinal) && h.Contains("study (follow-up)", StringComparison.Ordinal));
        Assert.Equal(4, html.Count(h => h.Contains("class=\"tile\"", StringComparison.Ordinal))); // most, least, mis-captioned, atypical
        var mis = Assert.Single(html, h => h.Contains("Mis-captioned S_C samples", StringComparison.Ordinal));
        Assert.Equal(result.Summary.MiscaptionCount, mis.Split("class=\"tile\"").Length - 1);
        Assert.Contains("study S_C", string.Concat(html));       // the study's split means drawn on the histogram
        Assert.Contains("study: CLIP ViT-B, layer 1 and 12", string.Concat(html)); // UnitMem beside the study's readings
    }

    [Fact]
    public async Task ExploreNotebookFiltersSearchesAndComparesTwoRuns()
    {
        var a = runs.Baseline;
        var b = runs.TextNoise;
        var run = await NotebookRuns.RunAsync("08-explore-scores.dib", new() { ["runDirectory"] = a.RunDirectory, ["compareWith"] = b.RunDirectory, ["search"] = "red" });

        var html = Html(run);
        Assert.Equal(6, Count(html, "clipmem-table-"));  // head, surprising, by atypicality, search hits, split means, compared samples
        Assert.Equal(2, html.Count(h => h.Contains("class=\"tile\"", StringComparison.Ordinal)));
        Assert.Equal(1, Count(html, NotebookRuns.ChartMarker));   // the comparison scatter
        string stdout = string.Concat(run.Outputs.Where(o => o.Kind == "stdout").Select(o => o.Value));
        Assert.Contains($"compared {a.Rows.Count} samples; 0 share an id but not the sample", stdout);
    }

    private static List<string> Html(NotebookRun run) => run.Outputs.Where(o => o.MimeType == "text/html").Select(o => o.Value).ToList();

    private static int Count(List<string> html, string marker) => html.Count(h => h.Contains(marker, StringComparison.Ordinal));
}
