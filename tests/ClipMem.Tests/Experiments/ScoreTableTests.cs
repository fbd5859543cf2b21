using ClipMem.Data;
using ClipMem.Experiments;

namespace ClipMem.Tests.Experiments;

/// <summary>scores.csv written and read back: every field survives, bad rows are named.</summary>
public class ScoreTableTests
{
    private static readonly ScoreRow[] Rows =
    [
        new("scene-000001", "S_C", "a red \"big\" circle, at the top | a disc\non two lines", true, false, "captions of scene-000002",
            0.5, 0.25, 0.125, -0.0625, 1.0 / 3, 0.1 + 0.2, 1, 0.01),
        new("scene-000002", "S_I", "plain", false, true, "heavy noise", -1e-7, 2.5e-300, double.NaN, 0, -0.0, -0.75, 7, 123.456),
    ];

    [Fact]
    public void CsvRoundTripKeepsEveryFieldExactly()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "scores.csv");
        ScoreTable.WriteCsv(path, Rows);
        var read = ScoreTable.ReadCsv(path);
        Assert.Equal(Rows.Length, read.Count);
        for (int i = 0; i < Rows.Length; i++) Assert.Equal(Rows[i], read[i]); // records compare every field; NaN equals NaN in record equality
    }

    [Fact]
    public async Task ParquetHoldsTheCsvColumnsInOrderWithEveryValue()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "scores.parquet");
        ScoreTable.WriteParquet(path, Rows);

        await using var stream = File.OpenRead(path);
        var read = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(stream);
        Assert.Equal(ScoreTable.Columns, read.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(Rows.Length, read.Data.Count);
        for (int i = 0; i < Rows.Length; i++)
        {
            var (row, parquet) = (Rows[i], read.Data[i]);
            Assert.Equal(row.SampleId, parquet["sample_id"]);
            Assert.Equal(row.Captions, parquet["captions"]);
            Assert.Equal(row.Atypical, parquet["atypical"]);
            Assert.Equal(row.ClipMem, parquet["clipmem"]);
            Assert.Equal(row.AlignG, parquet["align_g"]);   // NaN survives
            Assert.Equal(row.Rank, parquet["rank"]);
        }
    }

    [Fact]
    public void AMalformedNumberIsReportedWithFileLineAndSample()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "scores.csv");
        ScoreTable.WriteCsv(path, Rows[1..]);
        File.WriteAllText(path, File.ReadAllText(path).Replace("123.456", "far"));
        var e = Assert.Throws<DataFormatException>(() => ScoreTable.ReadCsv(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("scene-000002", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("knn_distance_g", e.Message);
    }

    [Fact]
    public void AFileThatIsNotAScoreTableIsRefused()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "captions.csv");
        File.WriteAllText(path, "filepath,title\na.png,a cat\n");
        var e = Assert.Throws<DataFormatException>(() => ScoreTable.ReadCsv(path));
        Assert.Contains("not a score table", e.Message);
        Assert.Throws<DataFormatException>(() => ScoreTable.ReadCsv(Path.Combine(dir.Path, "missing.csv")));
    }
}
