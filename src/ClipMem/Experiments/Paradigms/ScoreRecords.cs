using System.Globalization;
using System.Text;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Loaders;

namespace ClipMem.Experiments.Paradigms;

/// <summary>The long-format score table (scores_long.csv) every paradigm writes: one row per sample and score.</summary>
public static class ScoreRecords
{
    public const string FileName = "scores_long.csv";

    static readonly string[] FixedColumns = ["sample_id", "split", "paradigm", "score", "raw", "normalised"];

    /// <summary>Fixed columns first, then one column per extra the records carry (sorted), empty where a record has none.</summary>
    public static void WriteCsv(string path, IReadOnlyList<ScoreRecord> records)
    {
        var extras = records.SelectMany(r => r.Extras.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder(string.Join(',', FixedColumns.Concat(extras))).Append('\n');
        foreach (var r in records)
        {
            var fields = new[] { r.SampleId, r.Split, r.Paradigm, r.Score, ScoreTable.F(r.Raw), ScoreTable.F(r.Normalised) }
                .Concat(extras.Select(e => r.Extras.TryGetValue(e, out var v) ? ScoreTable.F(v) : ""));
            csv.AppendJoin(',', fields.Select(ScoreTable.Quote)).Append('\n');
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    /// <summary>Reads a table written by <see cref="WriteCsv"/>; a malformed row is an error naming the file, line and sample.</summary>
    public static IReadOnlyList<ScoreRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, "score table is missing");
        using var reader = new StreamReader(path);
        using var rows = new DelimitedRecordReader(reader, ',', path).ReadAll().GetEnumerator();
        if (!rows.MoveNext() || !rows.Current.Fields.Take(FixedColumns.Length).SequenceEqual(FixedColumns))
            throw new DataFormatException(path, null, $"not a long score table: the header must start with {string.Join(',', FixedColumns)}");
        var header = rows.Current.Fields;
        var records = new List<ScoreRecord>();
        while (rows.MoveNext())
        {
            var (fields, line) = (rows.Current.Fields, rows.Current.Line);
            if (fields.Count != header.Count)
                throw new DataFormatException(path, null, $"line {line} has {fields.Count} fields, the header has {header.Count}");
            var id = new SampleId(fields[0]);
            double Number(int column) => double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new DataFormatException(path, id, $"line {line}: column '{header[column]}' is not a number: '{fields[column]}'");
            var extras = new Dictionary<string, double>();
            for (int column = FixedColumns.Length; column < header.Count; column++)
                if (fields[column].Length > 0) extras[header[column]] = Number(column);
            records.Add(new ScoreRecord(fields[0], fields[1], fields[2], fields[3], Number(4), Number(5), extras));
        }
        return records;
    }
}
