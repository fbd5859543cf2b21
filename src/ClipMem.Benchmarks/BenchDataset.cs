using System.Text;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using ClipMem.Data.Synthetic;
using ClipMem.Data.Text;

namespace ClipMem.Benchmarks;

/// <summary>
/// The images both sides of the full-pipeline measurement read: synthetic scenes exported as PNG files
/// plus a captions table in open_clip's CsvDataset convention (tab-separated, columns filepath and
/// title, one caption per row), loaded back through the workbench's CSV loader.
/// </summary>
public sealed class BenchDataset
{
    public const string TableName = "captions.tsv";

    public string TablePath { get; }
    public CaptionDataset Dataset { get; }
    public BpeTokenizer Tokenizer { get; }

    private BenchDataset(string tablePath, CaptionDataset dataset, BpeTokenizer tokenizer) =>
        (TablePath, Dataset, Tokenizer) = (tablePath, dataset, tokenizer);

    public static BenchDataset Export(string folder, int count, int resolution, int vocabularySize, ulong seed)
    {
        var scenes = SyntheticScenes.Generate(new SyntheticScenesOptions(Count: count, Resolution: resolution, Seed: seed));
        string imageFolder = Path.Combine(folder, "images");
        Directory.CreateDirectory(imageFolder);
        var table = new StringBuilder("filepath\ttitle\n");
        foreach (var sample in scenes)
        {
            string relative = $"images/{sample.Id.Value}.png";
            AtomicFile.WriteAllBytes(Path.Combine(folder, relative), ImageDecoder.EncodePng(sample.Image.Load()));
            // Captions of synthetic scenes hold no tabs or quotes, so no field needs quoting.
            table.Append(relative).Append('\t').Append(sample.Captions[0]).Append('\n');
        }
        string tablePath = Path.Combine(folder, TableName);
        AtomicFile.WriteAllText(tablePath, table.ToString());
        var dataset = CsvCaptionsLoader.Load(tablePath);
        var tokenizer = BpeTrainer.Train(scenes.SelectMany(s => s.Captions), vocabularySize);
        return new BenchDataset(tablePath, dataset, tokenizer);
    }
}
