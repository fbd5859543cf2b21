using ClipMem.Benchmarks;
using ClipMem.Models;

namespace ClipMem.Tests.Benchmarks;

public class ModelFlopsTests
{
    // 8x8 images, patch 4 (4 patches + class token = 5 tokens), width 8, 1 layer, MLP 32; text 4 tokens, width 8, 1 layer; embedding 4.
    private static readonly ClipConfig Small = new(4, new VisionConfig(8, 4, 8, 1, 2), new TextConfig(4, 10, 8, 1, 2));

    [Fact]
    public void ForwardFlopsMatchAHandCount()
    {
        // Vision: patch conv 4 * (3*4*4) * 8 = 1536; block on 5 tokens: qkv+out 5*(3*64+64) = 1280,
        // scores and weighted sum 2*5*5*8 = 400, MLP 2*5*8*32 = 2560; projection 8*4 = 32. Total 5808 MACs.
        // Text: block on 4 tokens: 4*256 = 1024, 2*4*4*8 = 256, 2*4*8*32 = 2048; projection 32. Total 3360 MACs.
        const double macs = 5808 + 3360;
        Assert.Equal(2 * macs, ModelFlops.ForwardPerSample(Small));
        Assert.Equal(6 * macs, ModelFlops.TrainingPerSample(Small));
    }

    [Fact]
    public void ShorterCaptionsCostLessText()
    {
        Assert.True(ModelFlops.ForwardPerSample(Small, textLength: 2) < ModelFlops.ForwardPerSample(Small));
    }

    [Fact]
    public void ReferenceModelIsAboutHalfAGigaflopPerTrainingSample()
    {
        // A sanity range for the reference model (1.7 M parameters, 65 image tokens, 32 text tokens).
        double gflop = ModelFlops.TrainingPerSample(ClipConfig.BenchReference(1000)) / 1e9;
        Assert.InRange(gflop, 0.45, 0.55);
    }
}
