using ClipMem.Models;

namespace ClipMem.Tests.Models;

public class ClipModelConfigsTests
{
    [Fact]
    public void EverySizeIsAJsonFileOfTheLibrary() =>
        Assert.Equal(["bench", "paper", "quick", "tiny"], ClipModelConfigs.Sizes);

    [Fact]
    public void TheQuickSizeIsTheOneTheReadmeDocuments()
    {
        // README, presets: ViT patch 8, width 64, 2+2 layers, 4 heads, embedding 64, context 32.
        var c = ClipModelConfigs.Load("quick", vocabularySize: 1000);
        Assert.Equal((32, 8, 64, 2, 4), (c.Vision.ImageSize, c.Vision.PatchSize, c.Vision.Width, c.Vision.Layers, c.Vision.Heads));
        Assert.Equal((32, 1000, 64, 2, 4), (c.Text.ContextLength, c.Text.VocabularySize, c.Text.Width, c.Text.Layers, c.Text.Heads));
        Assert.Equal(64, c.EmbedDim);
    }

    [Fact]
    public void ThePaperSizeCarriesClipsVocabularyAndASizeWithoutOneNeedsTheTokenizers()
    {
        Assert.Equal(49_408, ClipModelConfigs.Load("paper").Text.VocabularySize);
        Assert.Contains("vocab_size", Assert.Throws<ArgumentException>(() => ClipModelConfigs.Load("tiny")).Message);
    }

    [Fact]
    public void AnUnknownSizeNamesTheKnownOnes() =>
        Assert.Contains("known sizes are bench, paper, quick, tiny", Assert.Throws<ArgumentException>(() => ClipModelConfigs.Load("huge", 100)).Message);
}
