using ClipMem.Data;
using ClipMem.Data.Text;

namespace ClipMem.Tests.Tokenizer;

/// <summary>Rule-based paraphrases for datasets with fewer captions per image than an experiment asks for.</summary>
public class CaptionParaphraserTests
{
    [Fact]
    public void ParaphrasesAreDistinctFromTheCaptionAndEachOtherAndKeepItsWords()
    {
        var paraphrases = CaptionParaphraser.Paraphrases("A small dog sitting near a red car.", 5);
        Assert.Equal(5, paraphrases.Count);
        var normalized = paraphrases.Select(p => p.ToLowerInvariant().TrimEnd('.')).Append("a small dog sitting near a red car").ToList();
        Assert.Equal(normalized.Count, normalized.Distinct().Count());
        // The frames keep every word; the synonym swaps keep the ones no rule names (here the colour and the article).
        Assert.All(paraphrases, p => Assert.Contains("red", p));
        Assert.Contains(paraphrases, p => p.Contains("a small dog sitting near a red car", StringComparison.Ordinal));
        Assert.Equal(paraphrases, CaptionParaphraser.Paraphrases("A small dog sitting near a red car.", 5));   // deterministic
    }

    [Fact]
    public void EveryOtherParaphraseSwapsSynonymsAndCaptionsWithoutAnyStillGetFiveFrames()
    {
        Assert.Equal(
        [
            "a photo of a big house", "there is a large home in the picture", "an image showing a big house",
            "a picture of a large home", "a big house, as pictured",
        ], CaptionParaphraser.Paraphrases("a big house", CaptionParaphraser.MaxCount));
        Assert.Equal(
        [
            "a photo of three red squares", "there is three red squares in the picture", "an image showing three red squares",
            "a picture of three red squares", "three red squares, as pictured",
        ], CaptionParaphraser.Paraphrases("Three red squares", CaptionParaphraser.MaxCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => CaptionParaphraser.Paraphrases("a big house", CaptionParaphraser.MaxCount + 1));
        Assert.Throws<ArgumentException>(() => CaptionParaphraser.Paraphrases(" . ", 1));
    }

    [Fact]
    public void FillingADatasetKeepsItsOwnCaptionsFirstAndAddsOnlyWhatIsMissing()
    {
        var image = new GeneratedImageSource("test", () => new RgbImage(2, 2, new float[12]));
        var dataset = new CaptionDataset("test", "memory",
        [
            new Sample(new SampleId("one"), image, ["A cat on a mat"]),
            new Sample(new SampleId("two"), image, ["a boy", "a kid with a ball"]),
            new Sample(new SampleId("five"), image, ["1", "2", "3", "4", "5"]),
        ]);
        var filled = CaptionParaphraser.FillTo(dataset, 3);
        Assert.Equal(["A cat on a mat", "a photo of a cat on a mat", "there is a kitty on a mat in the picture"], filled[0].Captions);
        Assert.Equal(["a boy", "a kid with a ball", "a photo of a boy"], filled[1].Captions);
        Assert.Same(dataset[2], filled[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => CaptionParaphraser.FillTo(dataset, CaptionParaphraser.MaxCount + 2));
    }

    [Fact]
    public void SwappedSynonymsReplaceWholeWordsOnly() =>
        Assert.Equal("there is a little smallish person in the picture", CaptionParaphraser.Paraphrases("a small smallish man", 2)[1]);
}
