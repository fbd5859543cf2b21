namespace ClipMem.Interactive;

/// <summary>
/// The <c>#!import other.dib</c> cells of a notebook, as the headless runner runs them and `notebook run-all`
/// skips the notebooks they import: a cell whose every non-blank line is an import.
/// </summary>
public static class NotebookImports
{
    private const string Directive = "#!import ";

    /// <summary>Each import of an import cell with its full path (relative paths from <paramref name="folder"/>); null for any other cell.</summary>
    public static IReadOnlyList<(string Line, string Path)>? Of(string code, string folder)
    {
        var lines = code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || !lines.All(l => l.StartsWith(Directive, StringComparison.Ordinal))) return null;
        return lines.Select(l => (l, System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, l[Directive.Length..].Trim().Trim('"'))))).ToList();
    }
}
