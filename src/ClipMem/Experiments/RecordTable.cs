using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using ClipMem.Common;
using Parquet.Serialization;

namespace ClipMem.Experiments;

/// <summary>
/// A study's result table as NAME.csv and NAME.parquet, from records whose positional properties carry their
/// column names (JsonPropertyName, which Parquet.Net's serializer reads too): one list of columns for both files.
/// </summary>
public static class RecordTable
{
    public static IReadOnlyList<string> Columns<T>() => Properties<T>().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name).ToList();

    /// <summary>Writes both files atomically; returns the CSV's path.</summary>
    public static string Write<T>(string directory, string name, IReadOnlyList<T> rows)
    {
        var properties = Properties<T>();
        var csv = new StringBuilder(string.Join(',', Columns<T>())).Append('\n');
        foreach (var row in rows)
            csv.AppendJoin(',', properties.Select(p => ScoreTable.Quote(Cell(p.GetValue(row))))).Append('\n');
        string csvPath = Path.Combine(directory, name + ".csv");
        AtomicFile.WriteAllText(csvPath, csv.ToString());
        WriteParquet(Path.Combine(directory, name + ".parquet"), rows);
        return csvPath;
    }

    /// <summary>The rows as one Parquet row group, atomically, columns named by the same attributes.</summary>
    public static void WriteParquet<T>(string path, IReadOnlyList<T> rows) => AtomicFile.Write(path, stream =>
    {
        // Parquet needs a seekable stream it owns for the footer; write to memory, then copy.
        using var buffer = new MemoryStream();
        ParquetSerializer.SerializeAsync(rows, buffer).GetAwaiter().GetResult();
        buffer.Position = 0;
        buffer.CopyTo(stream);
    });

    private static PropertyInfo[] Properties<T>()
    {
        var type = typeof(T);
        var properties = type.GetConstructors().Single().GetParameters().Select(p => type.GetProperty(p.Name!)!).ToArray();
        var unnamed = properties.Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is null).Select(p => p.Name).ToList();
        if (unnamed.Count > 0) throw new InvalidOperationException($"{type.Name}: every column needs a JsonPropertyName; missing on {string.Join(", ", unnamed)}.");
        return properties;
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => double.IsNaN(d) ? "" : d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
