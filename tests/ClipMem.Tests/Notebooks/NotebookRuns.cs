using ClipMem.Interactive;

namespace ClipMem.Tests.Notebooks;

/// <summary>The repository's notebooks as the notebook tests find and run them.</summary>
internal static class NotebookRuns
{
    /// <summary>notebooks/NAME in the repository the tests were built from.</summary>
    public static string PathOf(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "notebooks", name))) return Path.Combine(folder.FullName, "notebooks", name);
        throw new FileNotFoundException($"notebooks/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// What marks a chart drawn by Plotly.NET.Interactive's formatter (its RequireJS loader), once per chart:
    /// the notebooks' charts are Plotly.NET charts shown through that formatter, not HTML of their own.
    /// </summary>
    public const string ChartMarker = "fsharpPlotlyRequire(['plotly']";

    /// <summary>Runs a notebook headlessly with its parameters set; fails the test with the failing cell's code and error.</summary>
    public static async Task<NotebookRun> RunAsync(string name, Dictionary<string, string> parameters)
    {
        var run = await new NotebookRunner { Parameters = parameters }.RunAsync(PathOf(name));
        Assert.True(run.Succeeded, $"cell {run.FailedCell?.Index} failed:\n{run.FailedCell?.Code}\n{run.FailedCell?.Error}");
        return run;
    }
}
