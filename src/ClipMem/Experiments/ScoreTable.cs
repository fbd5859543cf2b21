using System.Globalization;
using System.Text;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using System.Text.Json.Serialization;

namespace ClipMem.Experiments;

/// <summary>
/// One sample's row of the long-format score table (keyed by the stable sample id). The column names are
/// those of scores.csv and scores.parquet (<see cref="ScoreTable.Columns"/>); Parquet.Net's serializer reads them.
/// </summary>
public sealed record ScoreRow(
    [property: JsonPropertyName("sample_id")] string SampleId,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("captions")] string Captions,
    [property: JsonPropertyName("miscaptioned")] bool Miscaptioned,
    [property: JsonPropertyName("atypical")] bool Atypical,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("positive_f")] double PositiveF,
    [property: JsonPropertyName("positive_g")] double PositiveG,
    [property: JsonPropertyName("align_f")] double AlignF,
    [property: JsonPropertyName("align_g")] double AlignG,
    [property: JsonPropertyName("raw")] double Raw,
    [property: JsonPropertyName("clipmem")] double ClipMem,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("knn_distance_g")] double KnnDistanceUnderG,
    [property: JsonPropertyName("concept_frequency")] double ConceptFrequency = double.NaN);

/// <summary>Writes the score table as CSV (RFC 4180) and Parquet, and reads the CSV back.</summary>
public static class ScoreTable
{
    /// <summary>The column names in order: ScoreRow's, as its properties' attributes name them (the Parquet writer reads the same attributes).</summary>
    public static readonly string[] Columns = [.. RecordTable.Columns<ScoreRow>()];

    public static void WriteCsv(string path, IEnumerable<ScoreRow> rows)
    {
        var csv = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var r in rows)
        {
            string[] fields =
            [
                r.SampleId, r.Split, r.Captions, r.Miscaptioned ? "true" : "false", r.Atypical ? "true" : "false", r.Reason,
                F(r.PositiveF), F(r.PositiveG), F(r.AlignF), F(r.AlignG), F(r.Raw), F(r.ClipMem),
                r.Rank.ToString(CultureInfo.InvariantCulture), F(r.KnnDistanceUnderG), F(r.ConceptFrequency),
            ];
            csv.AppendJoin(',', fields.Select(Quote)).Append('\n');
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    /// <summary>The rows as one Parquet row group, columns named and ordered as in scores.csv.</summary>
    public static void WriteParquet(string path, IReadOnlyList<ScoreRow> rows) => RecordTable.WriteParquet(path, rows);

    /// <summary>Reads a score table written by <see cref="WriteCsv"/>; a malformed row is an error naming the file, line and sample.</summary>
    public static IReadOnlyList<ScoreRow> ReadCsv(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, "score table is missing");
        using var reader = new StreamReader(path);
        using var records = new DelimitedRecordReader(reader, ',', path).ReadAll().GetEnumerator();
        if (!records.MoveNext() || !records.Current.Fields.SequenceEqual(Columns))
            throw new DataFormatException(path, null, $"not a score table: the header must be {string.Join(',', Columns)}");
        var rows = new List<ScoreRow>();
        while (records.MoveNext())
        {
            var (fields, line) = (records.Current.Fields, records.Current.Line);
            if (fields.Count != Columns.Length)
                throw new DataFormatException(path, null, $"line {line} has {fields.Count} fields, the header has {Columns.Length}");
            var id = new SampleId(fields[0]);
            double D(int column) => double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new DataFormatException(path, id, $"line {line}: column '{Columns[column]}' is not a number: '{fields[column]}'");
            bool B(int column) => fields[column] switch
            {
                "true" => true, "false" => false,
                _ => throw new DataFormatException(path, id, $"line {line}: column '{Columns[column]}' must be true or false, not '{fields[column]}'"),
            };
            int rank = int.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r
                : throw new DataFormatException(path, id, $"line {line}: column 'rank' is not an integer: '{fields[12]}'");
            rows.Add(new ScoreRow(fields[0], fields[1], fields[2], B(3), B(4), fields[5], D(6), D(7), D(8), D(9), D(10), D(11), rank, D(13), D(14)));
        }
        return rows;
    }

    internal static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
