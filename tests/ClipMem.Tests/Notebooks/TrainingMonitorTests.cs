using ClipMem.Reporting;
using ClipMem.Tests.Reporting;
using ClipMem.Interactive;
using ClipMem.Training;

namespace ClipMem.Tests.Notebooks;

/// <summary>The live training display: thread-safe recording, its HTML, and in-place updates in a notebook cell.</summary>
public class TrainingMonitorTests
{
    private static TrainingProgress Step(string run, int step, int total, double loss) =>
        new(run, step, total, (step - 1) / 10, loss, 1e-3, 500, TimeSpan.FromSeconds(step), new Dictionary<string, double> { ["logit_scale"] = 14 + step * 0.01 });

    [Fact]
    public void RecordsEveryStepOfModelsReportingConcurrently()
    {
        var monitor = TrainingMonitor.Silent("f and g");
        Parallel.ForEach(new[] { "f", "g" }, run =>
        {
            for (int step = 1; step <= 200; step++) monitor.Report(Step(run, step, 200, 4.0 - step / 100.0));
        });
        var view = monitor.View;
        Assert.Equal(["f", "g"], view.Runs.Select(r => r.Last.RunName));
        foreach (var run in view.Runs)
        {
            Assert.Equal(Enumerable.Range(1, 200), run.Steps);
            Assert.Equal(2.0, run.StepLosses[^1], 12);
            Assert.True(run.Done);
        }
        Assert.Equal(2, ChartJson.Traces(monitor.StepLossChart()).Count);
        string html = TrainingProgressView.ToHtml(view);
        Assert.Contains("200/200", html);
        Assert.Contains("width:100.0%", html);
        Assert.Contains("<polyline", html);
    }

    [Fact]
    public void APartlyTrainedModelShowsItsFractionAndTimeLeft()
    {
        var monitor = TrainingMonitor.Silent();
        monitor.Report(Step("f", 25, 100, 3.0));
        string html = TrainingProgressView.ToHtml(monitor.View);
        Assert.Contains("width:25.0%", html);
        Assert.Contains("25/100", html);
        Assert.Contains("75 s", html); // 25 steps took 25 s: 75 more steps take 75 s
    }

    [Fact]
    public void AMonitorWithNothingToTrainSaysTheModelsWereLoaded()
    {
        var monitor = TrainingMonitor.Silent();
        Assert.Contains("waiting for the first step", TrainingProgressView.ToHtml(monitor.View));
        Assert.Contains("already trained", TrainingProgressView.ToHtml(monitor.Finish()));
        // Its step chart has no data, only the title: no error for the notebook that reruns on a trained run.
        var chart = monitor.StepLossChart();
        Assert.All(ChartJson.Traces(chart), t => Assert.Null(t!["x"]));   // no points
        Assert.Contains("loss after every step", (string)ChartJson.Layout(chart)["title"]!["text"]!);
    }

    [Fact]
    public async Task InANotebookTheDisplayUpdatesInPlace()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "monitor.dib");
        File.WriteAllText(path, """
            #!meta

            {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

            #!csharp

            #r "ClipMem.Interactive.dll"
            using ClipMem.Interactive;
            using ClipMem.Training;
            var monitor = TrainingMonitor.Show("demo");
            var background = Task.Run(() =>
            {
                for (int step = 1; step <= 3; step++)
                    monitor.Report(new TrainingProgress("f", step, 3, 0, 4.0 - step, 1e-3, 100, TimeSpan.FromSeconds(step), new Dictionary<string, double>()));
            });
            background.Wait();
            monitor.Finish();
            """);
        var run = await new NotebookRunner().RunAsync(path);
        Assert.True(run.Succeeded, run.FailedCell?.Error);
        var displays = run.Cells[0].Outputs.Where(o => o.Value.Contains("<h2>demo</h2>", StringComparison.Ordinal)).ToList();
        Assert.Single(displays);                       // one output, updated, not one per step
        Assert.Contains("3/3", displays[0].Value);     // showing the last state
        Assert.Contains("finished.", displays[0].Value);
    }
}
