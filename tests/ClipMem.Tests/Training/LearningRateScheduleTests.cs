using ClipMem.Training;

namespace ClipMem.Tests.Training;

public class LearningRateScheduleTests
{
    private const double Base = 0.4;
    private const int Warmup = 10;
    private const int Total = 110; // 100 cosine steps after the warm-up

    private static readonly double[] Rates = LearningRateSchedule.WarmupCosine(Base, Total, Warmup);

    [Fact]
    public void HasOneRatePerStep() => Assert.Equal(Total, Rates.Length);

    [Fact]
    public void WarmupIsLinearAndReachesTheBaseRate()
    {
        // open_clip's _warmup_lr: base * (step + 1) / warmup_length.
        for (int step = 0; step < Warmup; step++)
            Assert.Equal(Base * (step + 1) / Warmup, Rates[step], 12);
        Assert.Equal(Base, Rates[Warmup - 1], 12);
        Assert.True(Rates[0] > 0, "the first step must not have a zero rate");
    }

    [Fact]
    public void CosinePartStartsAtTheBaseRateAndHasHandCheckedValues()
    {
        Assert.Equal(Base, Rates[Warmup], 12);
        // Midpoint of the cosine part (50 of 100 steps): 0.5 * (1 + cos(pi / 2)) = 0.5.
        Assert.Equal(0.5 * Base, Rates[Warmup + 50], 12);
        // A quarter in: 0.5 * (1 + cos(pi / 4)) = 0.5 * (1 + 0.70710678118654752) = 0.85355339059327376.
        Assert.Equal(0.85355339059327376 * Base, Rates[Warmup + 25], 12);
    }

    [Fact]
    public void CosineReachesAboutZeroAtTheEnd()
    {
        // The last step is 99/100 of the way: 0.5 * (1 + cos(0.99 pi)) = 2.467e-4 of the base rate.
        Assert.InRange(Rates[^1], 0, 1e-3 * Base);
        Assert.Equal(0.5 * (1 - Math.Cos(0.01 * Math.PI)) * Base, Rates[^1], 12);
    }

    [Fact]
    public void RatesDecreaseMonotonicallyAfterWarmup()
    {
        for (int step = Warmup + 1; step < Total; step++)
            Assert.True(Rates[step] < Rates[step - 1], $"rate at step {step} ({Rates[step]}) is not below step {step - 1} ({Rates[step - 1]})");
    }

    [Fact]
    public void WithoutWarmupTheFirstStepUsesTheBaseRate()
    {
        var rates = LearningRateSchedule.WarmupCosine(Base, 20, 0);
        Assert.Equal(Base, rates[0], 12);
        Assert.Equal(0.5 * Base, rates[10], 12);
    }

    [Fact]
    public void RejectsAnEmptySchedule() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(Base, 0, 0));
}
