using System.Diagnostics;
using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;

namespace ClipMem.Interactive;

/// <summary>One output of a code cell: a MIME type and its text (HTML, plain text, standard output or error).</summary>
public sealed record CellOutput(string Kind, string MimeType, string Value, string? ValueId = null);

/// <summary>One cell of an executed notebook. Index counts every cell from 1, markdown included.</summary>
public sealed record CellResult(int Index, string KernelName, string Code, IReadOnlyList<CellOutput> Outputs, string? Error, double Seconds)
{
    public bool IsCode => KernelName is "csharp" or "C#";
    public bool Failed => Error is not null;
}

/// <summary>A cell of the notebook as written (after parameter overrides): its kernel and its text.</summary>
public sealed record NotebookCell(string KernelName, string Code);

/// <summary>An executed notebook: the document, and the results of every cell up to and including the first failing one.</summary>
public sealed record NotebookRun(string Path, IReadOnlyList<NotebookCell> Document, IReadOnlyList<CellResult> Cells, double Seconds)
{
    public int TotalCells => Document.Count;
    public CellResult? FailedCell => Cells.FirstOrDefault(c => c.Failed);
    public bool Succeeded => FailedCell is null;
    public IEnumerable<CellOutput> Outputs => Cells.SelectMany(c => c.Outputs);
}

/// <summary>
/// Runs a .dib notebook headlessly: parses it with Microsoft.DotNet.Interactive.Documents, submits every
/// C# cell in order to one <see cref="CSharpKernel"/>, collects each cell's outputs and stops at the
/// first cell the kernel reports as failed (CommandFailed: a compile error or an exception).
/// <para>
/// The notebook runs with its own folder as working directory, as in VS Code Polyglot Notebooks, so its
/// relative paths mean the same in both places. A <c>#r</c> of the workbench library
/// (ClipMem.dll / ClipMem.Interactive.dll) is pointed at the runner's own loaded copy: a headless run
/// uses exactly the library it was built with, whatever configuration or stale build sits under src/.
/// </para>
/// <para>
/// Parameters: the first C# cell whose first line is a comment mentioning "parameters" declares them,
/// one per line (<c>string preset = "tiny";</c>). Each override rewrites the value of the matching
/// declaration in that cell before it runs (quoted as a C# string when the original value is a string
/// literal, inserted as written otherwise), so the rendered notebook shows the values actually used. An
/// override that matches no declaration is an error.
/// </para>
/// <para>
/// A cell holding only <c>#!import other.dib</c> lines runs the other notebooks' cells first (the shared
/// setup.dib of the notebooks), as Polyglot Notebooks' <c>#!import</c> does.
/// </para>
/// </summary>
public sealed class NotebookRunner
{
    // The working directory is process-wide: one notebook at a time per process.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives a line per cell as the run progresses (null: quiet).</summary>
    public TextWriter? Log { get; init; }

    public NotebookRun Run(string path) => RunAsync(path).GetAwaiter().GetResult();

    public async Task<NotebookRun> RunAsync(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new FileNotFoundException($"{path}: no such notebook.", fullPath);
        var document = CodeSubmission.Parse(await File.ReadAllTextAsync(fullPath));
        var elements = document.Elements.ToList();
        var codes = NotebookParameters.Apply(elements.Select(e => (e.KernelName ?? "csharp", e.Contents)).ToList(), Parameters, path);

        WorkbenchFormatters.Register();
        var results = new List<CellResult>();
        var clock = Stopwatch.StartNew();
        await OneAtATime.WaitAsync();
        string previous = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
            using var kernel = new CSharpKernel().UseKernelHelpers();
            for (int i = 0; i < elements.Count; i++)
            {
                string kernelName = elements[i].KernelName ?? "csharp";
                if (kernelName is not ("csharp" or "C#"))
                {
                    results.Add(new CellResult(i + 1, kernelName, codes[i], [], null, 0));
                    continue;
                }
                var cell = await RunCellOrImportAsync(kernel, i + 1, codes[i], []);
                results.Add(cell);
                Log?.WriteLine($"cell {cell.Index}/{elements.Count}: {(cell.Failed ? "FAILED" : "ok")} in {cell.Seconds:F1} s");
                if (cell.Failed) break;
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
            OneAtATime.Release();
        }
        var cells = elements.Select((e, i) => new NotebookCell(e.KernelName ?? "csharp", codes[i])).ToList();
        return new NotebookRun(fullPath, cells, results, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// A cell of <c>#!import</c> lines runs the imported notebooks' C# cells in this kernel, one after the
    /// other, as the Polyglot kernel does (paths relative to the importing notebook's folder, the working
    /// directory); their outputs become the cell's. Other cells are submitted as they are.
    /// </summary>
    private static async Task<CellResult> RunCellOrImportAsync(Kernel kernel, int index, string code, IReadOnlyList<string> importing)
    {
        if (NotebookImports.Of(code, Directory.GetCurrentDirectory()) is not { } imports) return await RunCellAsync(kernel, index, code);
        var clock = Stopwatch.StartNew();
        var outputs = new List<CellOutput>();
        foreach (var (line, path) in imports)
        {
            string? error = !File.Exists(path) ? $"{line}: no such notebook ({path})."
                : importing.Contains(path) ? $"{line}: the notebook imports itself ({string.Join(" -> ", importing.Append(path))})." : null;
            if (error is not null) return new CellResult(index, "csharp", code, outputs, error, clock.Elapsed.TotalSeconds);
            foreach (var element in CodeSubmission.Parse(await File.ReadAllTextAsync(path)).Elements.Where(e => (e.KernelName ?? "csharp") is "csharp" or "C#"))
            {
                var part = await RunCellOrImportAsync(kernel, index, element.Contents, [.. importing, path]);
                outputs.AddRange(part.Outputs);
                if (part.Failed) return new CellResult(index, "csharp", code, outputs, $"{System.IO.Path.GetFileName(path)}: {part.Error}", clock.Elapsed.TotalSeconds);
            }
        }
        return new CellResult(index, "csharp", code, outputs, null, clock.Elapsed.TotalSeconds);
    }

    private static async Task<CellResult> RunCellAsync(Kernel kernel, int index, string code)
    {
        var clock = Stopwatch.StartNew();
        var result = await kernel.SendAsync(new SubmitCode(PointLibraryReferencesAtHost(code)));
        var outputs = new List<CellOutput>();
        string? error = null;
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    AppendStream(outputs, "stdout", o);
                    break;
                case StandardErrorValueProduced o:
                    AppendStream(outputs, "stderr", o);
                    break;
                case DisplayedValueUpdated u:
                    int at = outputs.FindIndex(o => o.ValueId == u.ValueId);
                    if (at >= 0) outputs[at] = Output("display", u);
                    else outputs.Add(Output("display", u));
                    break;
                case DisplayEvent d when d is DisplayedValueProduced or ReturnValueProduced:
                    outputs.Add(Output(d is ReturnValueProduced ? "return" : "display", d));
                    break;
                case CommandFailed failed:
                    error = failed.Exception is { } ex && !failed.Message.Contains(ex.Message, StringComparison.Ordinal)
                        ? $"{failed.Message}\n{ex}" : failed.Message;
                    break;
            }
        }
        return new CellResult(index, "csharp", code, outputs, error, clock.Elapsed.TotalSeconds);
    }

    private static void AppendStream(List<CellOutput> outputs, string kind, DisplayEvent e)
    {
        string text = string.Concat(e.FormattedValues.Select(v => v.Value));
        if (outputs.Count > 0 && outputs[^1].Kind == kind)
            outputs[^1] = outputs[^1] with { Value = outputs[^1].Value + text };
        else
            outputs.Add(new CellOutput(kind, "text/plain", text));
    }

    private static CellOutput Output(string kind, DisplayEvent e)
    {
        var preferred = e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/html")
                        ?? e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")
                        ?? e.FormattedValues.FirstOrDefault();
        return new CellOutput(kind, preferred?.MimeType ?? "text/plain", preferred?.Value ?? "", e.ValueId);
    }

    /// <summary>Rewrites <c>#r "…/ClipMem.dll"</c> and <c>#r "…/ClipMem.Interactive.dll"</c> to the assemblies this process runs.</summary>
    public static string PointLibraryReferencesAtHost(string code)
    {
        var hosted = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ClipMem.dll"] = typeof(ClipMem.Experiments.ClipMemExperiment).Assembly.Location,
            ["ClipMem.Interactive.dll"] = typeof(NotebookRunner).Assembly.Location,
        };
        var lines = code.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var match = System.Text.RegularExpressions.Regex.Match(lines[i], "^\\s*#r\\s+\"(?<path>[^\"]+)\"\\s*$");
            if (match.Success && hosted.TryGetValue(System.IO.Path.GetFileName(match.Groups["path"].Value), out var location))
                lines[i] = $"#r \"{location}\"";
        }
        return string.Join('\n', lines);
    }
}
