using ClipMem.Data;
using ClipMem.Data.Synthetic;
using ClipMem.Data.Text;
using ClipMem.Models;
using ClipMem.Training;

namespace ClipMem.Tests.Training;

/// <summary>A small synthetic-scenes corpus with a tokenizer trained on its captions, for tests that run the tiny model.</summary>
internal sealed class TinyClipData
{
    public const int Resolution = 32;

    public CaptionDataset Dataset { get; }
    public BpeTokenizer Tokenizer { get; }
    public ImageCache Images { get; }
    public IReadOnlyList<SampleId> Ids { get; }

    public TinyClipData(int count, ulong seed = 1)
    {
        Dataset = SyntheticScenes.Generate(new SyntheticScenesOptions(Count: count, Resolution: Resolution, Seed: seed, CaptionsPerImage: 3));
        Tokenizer = BpeTrainer.Train(Dataset.SelectMany(s => s.Captions), BpeTokenizer.MinimumVocabularySize + 150);
        Images = new ImageCache(Dataset, Resolution);
        Ids = Dataset.Select(s => s.Id).ToList();
    }

    public ClipConfig Config => ClipConfig.Tiny(Tokenizer.VocabularySize);

    public ClipDataPipeline Pipeline(ulong seed) =>
        new(Images, Ids, Tokenizer, Config.Text.ContextLength, Resolution, AugmentationOptions.Training, seed);
}
