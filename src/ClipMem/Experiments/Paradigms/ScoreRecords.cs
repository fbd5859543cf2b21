using System.Text;
using ClipMem.Common;

namespace ClipMem.Experiments.Paradigms;

/// <summary>The long-format score table (scores_long.csv) every paradigm writes: one row per sample and score.</summary>
public static class ScoreRecords
{
    public const string FileName = "scores_long.csv";

    /// <summary>Fixed columns first, then one column per extra the records carry (sorted), empty where a record has none.</summary>
    public static void WriteCsv(string path, IReadOnlyList<ScoreRecord> records)
    {
        var extras = records.SelectMany(r => r.Extras.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder(string.Join(',', new[] { "sample_id", "split", "paradigm", "score", "raw", "normalised" }.Concat(extras))).Append('\n');
        foreach (var r in records)
        {
            var fields = new[] { r.SampleId, r.Split, r.Paradigm, r.Score, ScoreTable.F(r.Raw), ScoreTable.F(r.Normalised) }
                .Concat(extras.Select(e => r.Extras.TryGetValue(e, out var v) ? ScoreTable.F(v) : ""));
            csv.AppendJoin(',', fields.Select(ScoreTable.Quote)).Append('\n');
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
