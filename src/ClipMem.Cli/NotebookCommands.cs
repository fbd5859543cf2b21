using System.CommandLine;
using ClipMem.Common;
using ClipMem.Interactive;

namespace ClipMem.Cli;

/// <summary>`clipmem notebook ...`: run the .dib notebooks headlessly and render them to offline HTML.</summary>
public static class NotebookCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var notebook = new Command("notebook", "Run .dib notebooks without VS Code: every C# cell in order, stopping at the first failing cell.");
        notebook.Subcommands.Add(Run(output, error));
        notebook.Subcommands.Add(RunAll(output, error));
        return notebook;
    }

    private static Option<string[]> Params() => new("--param")
    {
        Description = "Override a variable of the notebook's parameters cell: name=value (repeatable), e.g. --param preset=tiny.",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command Run(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The .dib notebook." };
        var parameters = Params();
        var html = new Option<FileInfo?>("--html") { Description = "Write an offline HTML rendering of the executed notebook (outputs and charts) here." };
        var command = new Command("run", "Run every C# cell of a notebook; exit code 1 and the failing cell's index, code and error if a cell fails.")
        {
            file, parameters, html,
        };
        command.SetAction(parse =>
        {
            var run = Execute(parse.GetValue(file)!.FullName, NotebookParameters.Parse(parse.GetValue(parameters) ?? []), parse.GetValue(html)?.FullName, output, error);
            return run.Succeeded ? CliApp.ExitOk : CliApp.ExitFailure;
        });
        return command;
    }

    private static Command RunAll(TextWriter output, TextWriter error)
    {
        var folder = new Option<DirectoryInfo>("--folder") { Description = "Folder of .dib notebooks.", DefaultValueFactory = _ => new DirectoryInfo("notebooks") };
        var htmlDir = new Option<DirectoryInfo?>("--html-dir") { Description = "Write NAME.html for every notebook here." };
        var parameters = Params();
        var command = new Command("run-all", "Run every notebook of a folder in name order (each in a fresh kernel; notebooks that others #!import run inside them) and report each one's run time; " +
            "a --param reaches the notebooks that declare it; exit code 1 if any failed.")
        {
            folder, htmlDir, parameters,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            if (!dir.Exists) throw new DirectoryNotFoundException($"{dir.FullName}: no such folder.");
            var notebooks = NotebookFolder.Runnable(dir.FullName);
            if (notebooks.Count == 0) throw new FileNotFoundException($"{dir.FullName} holds no .dib notebooks.");
            var overrides = NotebookFolder.Distribute(NotebookParameters.Parse(parse.GetValue(parameters) ?? []), notebooks);
            var results = notebooks.Select(nb => (Name: Path.GetFileName(nb), Run: Execute(nb, overrides[nb],
                parse.GetValue(htmlDir) is { } d ? Path.Combine(d.FullName, Path.ChangeExtension(Path.GetFileName(nb), ".html")) : null, output, error))).ToList();
            output.WriteLine();
            foreach (var (name, run) in results)
                output.WriteLine($"{name,-32} {(run.Succeeded ? "ok" : $"FAILED at cell {run.FailedCell!.Index}"),-22} {run.Seconds,7:F1} s");
            return results.All(r => r.Run.Succeeded) ? CliApp.ExitOk : CliApp.ExitFailure;
        });
        return command;
    }

    private static NotebookRun Execute(string path, IReadOnlyDictionary<string, string> overrides, string? htmlPath, TextWriter output, TextWriter error)
    {
        output.WriteLine($"notebook {path}");
        var run = new NotebookRunner { Parameters = overrides, Log = output }.Run(path);
        if (run.FailedCell is { } failed)
        {
            error.WriteLine($"{Path.GetFileName(path)}: cell {failed.Index} of {run.TotalCells} failed.");
            error.WriteLine("--- code ---");
            error.WriteLine(failed.Code);
            error.WriteLine("--- error ---");
            error.WriteLine(failed.Error);
        }
        else output.WriteLine($"{Path.GetFileName(path)}: {run.Cells.Count(c => c.IsCode)} code cells ran in {run.Seconds:F1} s");
        if (htmlPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(htmlPath))!);
            AtomicFile.WriteAllText(htmlPath, NotebookHtml.Render(run));
            output.WriteLine($"rendered: {htmlPath}");
        }
        return run;
    }
}
