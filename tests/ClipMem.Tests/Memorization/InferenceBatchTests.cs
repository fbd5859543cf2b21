using ClipMem.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Memorization;

/// <summary>Inference batches sized so no activation crosses glibc's 32 MB mmap cap on the CPU.</summary>
public class InferenceBatchTests
{
    private const long MmapCap = 32L << 20;

    [Fact]
    public void TheReferenceModelsViewsFitUnderTheCapAndFillIt()
    {
        // The bench's reference ViT: 32 px, patch 4 -> 65 tokens; width 128, MLP 512 wide, 4 heads.
        int widest = InferenceBatch.WidestPerToken(128, 4.0, 4, 65);
        Assert.Equal(512, widest);
        int rows = InferenceBatch.Rows(65, widest, 512);
        long bytes = (long)rows * 65 * widest * sizeof(float);
        Assert.True(bytes < MmapCap, $"{rows} rows make a {bytes} byte activation");
        // The largest batch under the 24 MB budget: one more row would cross it (24 MB / 133,120 B per row = 189).
        Assert.Equal(189, rows);
    }

    [Fact]
    public void SmallModelsKeepTheUpperBoundAndHugeRowsStillGetOne()
    {
        Assert.Equal(512, InferenceBatch.Rows(17, InferenceBatch.WidestPerToken(64, 4.0, 4, 17), 512));
        Assert.Equal(1, InferenceBatch.Rows(100_000, 4096, 512));
    }

    [Fact]
    public void AttentionScoresCountWhenTheyAreTheWidest()
    {
        // 197 tokens x 12 heads of scores per token outgrow a 64-wide MLP.
        Assert.Equal(12 * 197, InferenceBatch.WidestPerToken(64, 4.0, 12, 197));
        Assert.Equal(3 * 64, InferenceBatch.WidestPerToken(64, 2.0, 1, 10));
    }

    [Fact]
    public void ACudaDeviceKeepsTheUpperBound()
    {
        var cuda = new Device(DeviceType.CUDA, 0);
        Assert.Equal(512, InferenceBatch.Rows(65, 512, 512, cuda));
        Assert.Equal(189, InferenceBatch.Rows(65, 512, 512, CPU));
    }

    [Fact]
    public void NonPositiveSizesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceBatch.Rows(0, 512, 512));
        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceBatch.Rows(65, 512, 0));
    }
}
