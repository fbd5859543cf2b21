using Microsoft.DotNet.Interactive.Documents;

namespace ClipMem.Interactive;

/// <summary>The notebooks of a folder as `clipmem notebook run-all` runs them, and which of them each --param reaches.</summary>
public static class NotebookFolder
{
    /// <summary>
    /// The folder's .dib notebooks in name order, without those another notebook imports (setup.dib): they
    /// run inside every notebook that imports them, not on their own.
    /// </summary>
    public static IReadOnlyList<string> Runnable(string folder)
    {
        var all = Directory.GetFiles(folder, "*.dib").Select(Path.GetFullPath).OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal).ToList();
        var imported = all.SelectMany(p => Cells(p).SelectMany(c => NotebookImports.Of(c.Code, folder) ?? []).Select(i => i.Path)).ToHashSet();
        return all.Where(p => !imported.Contains(p)).ToList();
    }

    /// <summary>
    /// Each notebook's share of the overrides: the parameters its parameters cell declares. A parameter that
    /// no notebook declares is an error naming the ones that exist, so a misspelt name is not silently ignored.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Distribute(
        IReadOnlyDictionary<string, string> overrides, IReadOnlyList<string> notebooks)
    {
        var declared = notebooks.ToDictionary(p => p, p => Cells(p)
            .Where(c => NotebookParameters.IsParametersCell(c.KernelName, c.Code))
            .Select(c => NotebookParameters.Declared(c.Code).Keys.ToHashSet()).FirstOrDefault() ?? []);
        foreach (var name in overrides.Keys.Where(n => !declared.Values.Any(d => d.Contains(n))))
            throw new ArgumentException($"--param {name}: no notebook declares it. Declared: " +
                string.Join("; ", declared.Where(d => d.Value.Count > 0).Select(d => $"{Path.GetFileName(d.Key)}: {string.Join(", ", d.Value.Order())}")) + ".");
        return declared.ToDictionary(d => d.Key,
            d => (IReadOnlyDictionary<string, string>)overrides.Where(o => d.Value.Contains(o.Key)).ToDictionary(o => o.Key, o => o.Value));
    }

    private static IEnumerable<(string KernelName, string Code)> Cells(string path) =>
        CodeSubmission.Parse(File.ReadAllText(path)).Elements.Select(e => (e.KernelName ?? "csharp", e.Contents));
}
