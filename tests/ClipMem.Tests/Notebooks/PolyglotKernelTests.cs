using System.Diagnostics;

namespace ClipMem.Tests.Notebooks;

/// <summary>
/// The notebooks run in the kernel VS Code Polyglot Notebooks uses (dotnet-interactive over stdio), as they
/// are: their own #r paths, working directory and kernel names, nothing rewritten (environment/polyglot-run.py).
/// Needs the kernel (environment/setup-polyglot.sh) and python3; without them the test says so and returns,
/// except where CLIPMEM_REQUIRE_POLYGLOT=1 (CI installs the kernel and sets it).
/// </summary>
public class PolyglotKernelTests
{
    [Fact]
    public void NotebooksRunInThePolyglotKernelAsTheyAreWithLiveTrainingProgress()
    {
        string? kernel = FindKernel();
        if (kernel is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CLIPMEM_REQUIRE_POLYGLOT") != "1",
                "CLIPMEM_REQUIRE_POLYGLOT=1 but no dotnet-interactive kernel: run environment/setup-polyglot.sh");
            Console.WriteLine("skipped: no dotnet-interactive kernel (environment/setup-polyglot.sh installs it)");
            return;
        }
        using var dir = new TempDirectory();
        var data = RunNotebook(kernel, "01-data-and-splits.dib");
        Assert.True(data.ExitCode == 0, data.Output);
        Assert.Contains("\n2 Plotly.NET charts", data.Output);       // caption lengths, split sizes: through Plotly.NET.Interactive

        var training = RunNotebook(kernel, "02-training.dib", $"runDirectory={Path.Combine(dir.Path, "run")}");
        Assert.True(training.ExitCode == 0, training.Output);
        Assert.Contains("in-place updates", training.Output);   // the live progress display updated while f and g trained
        Assert.Contains("\n5 Plotly.NET charts", training.Output);   // loss per epoch and per step, logit scale, learning rate, probe
        Assert.True(File.Exists(Path.Combine(dir.Path, "run", "g", "metrics.jsonl")), training.Output);
    }

    private static string? FindKernel()
    {
        string home = Environment.GetEnvironmentVariable("CLIPMEM_POLYGLOT_HOME")
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet-interactive");
        string path = Path.Combine(home, "dotnet-interactive");
        return File.Exists(path) ? path : null;
    }

    private static (int ExitCode, string Output) RunNotebook(string kernel, string notebook, params string[] parameters)
    {
        string notebookPath = NotebookRuns.PathOf(notebook);
        string root = Path.GetDirectoryName(Path.GetDirectoryName(notebookPath))!;
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "environment", "polyglot-run.py"));
        start.ArgumentList.Add(notebookPath);
        start.ArgumentList.Add("--kernel");
        start.ArgumentList.Add(kernel);
        foreach (var p in parameters)
        {
            start.ArgumentList.Add("--param");
            start.ArgumentList.Add(p);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, $"{notebook}:\n{output}{stderr.Result}");
    }
}
