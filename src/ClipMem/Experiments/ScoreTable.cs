using System.Globalization;
using System.Text;
using ClipMem.Common;
using Parquet;
using Parquet.Schema;

namespace ClipMem.Experiments;

/// <summary>One sample's row of the long-format score table (keyed by the stable sample id).</summary>
public sealed record ScoreRow(
    string SampleId,
    string Split,
    string Captions,
    bool Miscaptioned,
    bool Atypical,
    string Reason,
    double PositiveF,
    double PositiveG,
    double AlignF,
    double AlignG,
    double Raw,
    double ClipMem,
    int Rank,
    double KnnDistanceUnderG);

/// <summary>Writes the score table as CSV (RFC 4180) and Parquet.</summary>
public static class ScoreTable
{
    public static readonly string[] Columns =
    [
        "sample_id", "split", "captions", "miscaptioned", "atypical", "reason", "positive_f", "positive_g",
        "align_f", "align_g", "raw", "clipmem", "rank", "knn_distance_g",
    ];

    public static void WriteCsv(string path, IEnumerable<ScoreRow> rows)
    {
        var csv = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var r in rows)
        {
            string[] fields =
            [
                r.SampleId, r.Split, r.Captions, r.Miscaptioned ? "true" : "false", r.Atypical ? "true" : "false", r.Reason,
                F(r.PositiveF), F(r.PositiveG), F(r.AlignF), F(r.AlignG), F(r.Raw), F(r.ClipMem),
                r.Rank.ToString(CultureInfo.InvariantCulture), F(r.KnnDistanceUnderG),
            ];
            csv.AppendJoin(',', fields.Select(Quote)).Append('\n');
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    public static void WriteParquet(string path, IReadOnlyList<ScoreRow> rows) => AtomicFile.Write(path, stream =>
    {
        var strings = new (string Name, Func<ScoreRow, string> Get)[]
        {
            ("sample_id", r => r.SampleId), ("split", r => r.Split), ("captions", r => r.Captions),
        };
        var flags = new (string Name, Func<ScoreRow, bool> Get)[] { ("miscaptioned", r => r.Miscaptioned), ("atypical", r => r.Atypical) };
        var numbers = new (string Name, Func<ScoreRow, double> Get)[]
        {
            ("positive_f", r => r.PositiveF), ("positive_g", r => r.PositiveG), ("align_f", r => r.AlignF), ("align_g", r => r.AlignG),
            ("raw", r => r.Raw), ("clipmem", r => r.ClipMem), ("knn_distance_g", r => r.KnnDistanceUnderG),
        };
        var reason = new DataField<string>("reason");
        var rank = new DataField<int>("rank");
        var stringFields = strings.Select(c => new DataField<string>(c.Name)).ToArray();
        var flagFields = flags.Select(c => new DataField<bool>(c.Name)).ToArray();
        var numberFields = numbers.Select(c => new DataField<double>(c.Name)).ToArray();
        var schema = new ParquetSchema([.. stringFields, .. flagFields, reason, .. numberFields, rank]);
        // Parquet needs a seekable stream it owns for the footer; write to memory, then copy.
        using var buffer = new MemoryStream();
        WriteColumns().GetAwaiter().GetResult();
        buffer.Position = 0;
        buffer.CopyTo(stream);

        async Task WriteColumns()
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, buffer);
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < strings.Length; c++) await group.WriteAsync(stringFields[c], rows.Select(strings[c].Get).ToArray());
            for (int c = 0; c < flags.Length; c++) await group.WriteAsync(flagFields[c], new ReadOnlyMemory<bool>(rows.Select(flags[c].Get).ToArray()));
            await group.WriteAsync(reason, rows.Select(r => r.Reason).ToArray());
            for (int c = 0; c < numbers.Length; c++) await group.WriteAsync(numberFields[c], new ReadOnlyMemory<double>(rows.Select(numbers[c].Get).ToArray()));
            await group.WriteAsync(rank, new ReadOnlyMemory<int>(rows.Select(r => r.Rank).ToArray()));
        }
    });

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
