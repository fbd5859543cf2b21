using System.Text;
using System.Text.RegularExpressions;

namespace ClipMem.Interactive;

/// <summary>
/// The parameters cell of a notebook and its overrides (see <see cref="NotebookRunner"/>): a C# cell whose
/// first line is a comment mentioning "parameters", holding one declaration per line.
/// </summary>
public static class NotebookParameters
{
    private static readonly Regex Declaration = new(
        "^(?<head>\\s*(?:var|[A-Za-z_][\\w.<>?,\\[\\] ]*?)\\s+(?<name>[A-Za-z_]\\w*)\\s*=\\s*)(?<value>.*?)(?<tail>;\\s*(?://.*)?)$",
        RegexOptions.Compiled);

    public static bool IsParametersCell(string kernelName, string code) =>
        kernelName is "csharp" or "C#" &&
        code.TrimStart().Split('\n')[0].TrimStart() is var first && first.StartsWith("//", StringComparison.Ordinal) &&
        first.Contains("parameters", StringComparison.OrdinalIgnoreCase);

    /// <summary>The names and values the parameters cell declares.</summary>
    public static IReadOnlyDictionary<string, string> Declared(string code) =>
        code.Split('\n').Select(l => Declaration.Match(l.TrimEnd('\r'))).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);

    /// <summary>The cells' code with the overrides applied to the parameters cell.</summary>
    public static IReadOnlyList<string> Apply(IReadOnlyList<(string KernelName, string Code)> cells, IReadOnlyDictionary<string, string> overrides, string notebook)
    {
        var codes = cells.Select(c => c.Code).ToList();
        if (overrides.Count == 0) return codes;
        int at = Enumerable.Range(0, cells.Count).FirstOrDefault(i => IsParametersCell(cells[i].KernelName, cells[i].Code), -1);
        if (at < 0) throw new ArgumentException($"{notebook}: --param was given, but the notebook has no parameters cell (a C# cell starting with a '// Parameters' comment).");
        var declared = Declared(codes[at]);
        foreach (var name in overrides.Keys.Where(n => !declared.ContainsKey(n)))
            throw new ArgumentException($"{notebook}: unknown parameter '{name}'. The parameters cell declares: {string.Join(", ", declared.Keys)}.");

        var lines = codes[at].Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var m = Declaration.Match(lines[i].TrimEnd('\r'));
            if (!m.Success || !overrides.TryGetValue(m.Groups["name"].Value, out var value)) continue;
            string original = m.Groups["value"].Value.TrimStart();
            bool isString = original.StartsWith('"') || original.StartsWith("@\"", StringComparison.Ordinal);
            lines[i] = m.Groups["head"].Value + (isString ? Quote(value) : value) + m.Groups["tail"].Value;
        }
        codes[at] = string.Join('\n', lines);
        return codes;
    }

    /// <summary>Parses name=value pairs as given on the command line.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>();
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--param '{pair}': expected name=value.");
            result[pair[..eq].Trim()] = pair[(eq + 1)..];
        }
        return result;
    }

    private static string Quote(string value)
    {
        var s = new StringBuilder("\"");
        foreach (char c in value)
            s.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => c.ToString() });
        return s.Append('"').ToString();
    }
}
