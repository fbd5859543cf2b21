using ClipMem.Evaluation;

namespace ClipMem.Tests.Evaluation;

public class StatisticsTests
{
    [Fact]
    public void WelchTTestMatchesHandComputedTAndDegreesOfFreedom()
    {
        double[] a = [1, 2, 3, 4, 5];
        double[] b = [2, 4, 6, 8, 10, 12];
        // Means 3 and 7; sample variances 10/4 = 2.5 and 70/5 = 14; squared standard errors 2.5/5 = 0.5 and 14/6.
        double va = 0.5, vb = 14.0 / 6;
        double t = (3.0 - 7.0) / Math.Sqrt(va + vb);                                  // -2.37635...
        double df = (va + vb) * (va + vb) / (va * va / 4 + vb * vb / 5);              // 6.97226...
        var result = Statistics.WelchTTest(a, b);
        Assert.Equal(t, result.T, 10);
        Assert.Equal(df, result.DegreesOfFreedom, 10);
        Assert.Equal(-2.37635, result.T, 4);
        Assert.Equal(6.97226, result.DegreesOfFreedom, 4);
        Assert.InRange(result.PValue, 0.02, 0.10); // between the table's two-sided 0.05 (2.365) and 0.02 (2.998) rows for df 7
        Assert.InRange(result.PValue, 0.045, 0.055);
    }

    [Fact]
    public void PairedTTestIsTheOneSampleTestOfTheDifferences()
    {
        // Differences shift + (-2, -1, 0, 1, 2): variance 2.5, standard error sqrt(2.5 / 5); shift makes t = 2.776,
        // the t table's two-sided 0.05 row at 4 degrees of freedom.
        double shift = 2.776 * Math.Sqrt(2.5 / 5);
        double[] b = [10, 40, 20, 70, 30];                     // a spread between samples that pairing removes
        var a = b.Select((v, i) => v + shift + (i - 2)).ToArray();
        var paired = Statistics.PairedTTest(a, b);
        Assert.Equal(2.776, paired.T, 10);
        Assert.Equal(4.0, paired.DegreesOfFreedom, 10);
        Assert.Equal(0.05, paired.PValue, 3);
        Assert.True(Statistics.WelchTTest(a, b).PValue > 0.8, "unpaired, the samples' spread hides the shift");
        Assert.Throws<ArgumentException>(() => Statistics.PairedTTest(a, b.Take(4).ToArray()));
    }

    [Fact]
    public void WelchPValueMatchesTheTTableAtTenDegreesOfFreedom()
    {
        // Equal sizes (6) and variances give df = 2 (n - 1) = 10; shift b so that t = -2.228 exactly.
        double[] a = [0, 1, 2, 3, 4, 5];                  // variance 3.5
        double shift = 2.228 * Math.Sqrt(2 * 3.5 / 6);
        var b = a.Select(v => v + shift).ToArray();
        var result = Statistics.WelchTTest(a, b);
        Assert.Equal(-2.228, result.T, 10);
        Assert.Equal(10.0, result.DegreesOfFreedom, 10);
        Assert.Equal(0.05, result.PValue, 3);             // t table: t(0.975, 10) = 2.228
    }

    [Theory]
    [InlineData(2.228, 10, 0.05)]   // t table, two-sided
    [InlineData(1.812, 10, 0.10)]
    [InlineData(2.086, 20, 0.05)]
    [InlineData(3.169, 10, 0.01)]
    [InlineData(12.706, 1, 0.05)]
    [InlineData(1.960, 1e6, 0.05)]  // the normal limit
    public void TwoSidedPValuesMatchPublishedTTableValues(double t, double df, double p) =>
        Assert.Equal(p, 2 * Statistics.StudentTUpperTail(t, df), 3);

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void UpperTailMatchesClosedFormsForOneAndTwoDegreesOfFreedom(double t)
    {
        // df = 1 is the Cauchy distribution: P(T > t) = 1/2 - atan(t)/pi.
        Assert.Equal(0.5 - Math.Atan(t) / Math.PI, Statistics.StudentTUpperTail(t, 1), 9);
        // df = 2: P(T > t) = 1/2 - t / (2 sqrt(2 + t^2)).
        Assert.Equal(0.5 - t / (2 * Math.Sqrt(2 + t * t)), Statistics.StudentTUpperTail(t, 2), 9);
        Assert.Equal(0.5, Statistics.StudentTUpperTail(0, 7), 12);
    }

    [Theory]
    [InlineData(0.975, 2, 4.303)]   // published t-table values, two-sided 95% and 90%
    [InlineData(0.975, 10, 2.228)]
    [InlineData(0.95, 4, 2.132)]
    public void QuantilesMatchPublishedTTableValues(double p, double df, double t) =>
        Assert.Equal(t, Statistics.StudentTQuantile(p, df), 3);

    [Fact]
    public void TheSeedIntervalOfThreeValuesIsTheirMeanPlusMinusTTimesTheStandardError()
    {
        // 1, 2, 3: mean 2, sample standard deviation 1, t_{0.975, 2} = 4.3027: half-width 4.3027 / sqrt(3) = 2.4841.
        var ci = Statistics.StudentTMean([1.0, 2.0, 3.0]);
        Assert.Equal(2, ci.Mean, 12);
        Assert.Equal(2 - 2.4841, ci.Low, 3);
        Assert.Equal(2 + 2.4841, ci.High, 3);
        var single = Statistics.StudentTMean([0.7]);
        Assert.Equal((0.7, 0.7), (single.Low, single.High));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.StudentTQuantile(0.4, 3));
    }

    private static double[] Draws(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 4 - 1).ToArray();
    }

    [Fact]
    public void BootstrapIntervalContainsTheMeanAndNarrowsWithMoreData()
    {
        var small = Draws(20, 1);
        var large = Draws(500, 2);
        var ciSmall = Statistics.BootstrapMean(small, seed: 9);
        var ciLarge = Statistics.BootstrapMean(large, seed: 9);
        Assert.Equal(small.Average(), ciSmall.Mean, 12);
        Assert.InRange(ciSmall.Mean, ciSmall.Low, ciSmall.High);
        Assert.InRange(ciLarge.Mean, ciLarge.Low, ciLarge.High);
        Assert.True(ciSmall.Low < ciSmall.High);
        // Width shrinks like 1/sqrt(n): 500 vs 20 values should give about a fifth of the width.
        double ratio = (ciLarge.High - ciLarge.Low) / (ciSmall.High - ciSmall.Low);
        Assert.InRange(ratio, 0.1, 0.35);
        // And it is close to the normal-theory interval mean +- 1.96 sd / sqrt(n).
        double halfWidth = 1.96 * Math.Sqrt(Statistics.Variance(large) / large.Length);
        Assert.Equal(2 * halfWidth, ciLarge.High - ciLarge.Low, 0.2 * halfWidth);
    }

    [Fact]
    public void BootstrapIsDeterministicBySeed()
    {
        var values = Draws(50, 4);
        Assert.Equal(Statistics.BootstrapMean(values, seed: 3), Statistics.BootstrapMean(values, seed: 3));
        Assert.NotEqual(Statistics.BootstrapMean(values, seed: 3), Statistics.BootstrapMean(values, seed: 4));
    }

    [Fact]
    public void SpearmanIsOneForMonotoneDataAndMinusOneReversed()
    {
        double[] x = [1, 2, 3, 4, 5, 6];
        double[] y = x.Select(v => Math.Exp(v)).ToArray();
        Assert.Equal(1.0, Statistics.Spearman(x, y), 12);
        Assert.Equal(-1.0, Statistics.Spearman(x, y.Select(v => -v).ToArray()), 12);
    }

    [Fact]
    public void SpearmanWithTiesMatchesAHandExample()
    {
        // Ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]; deviations from 2.5: [-1.5, 0, 0, 1.5] and [-1.5, 0.5, -0.5, 1.5].
        // Sxy = 4.5, Sxx = 4.5, Syy = 5, so rho = 4.5 / sqrt(22.5) = sqrt(0.9).
        Assert.Equal(Math.Sqrt(0.9), Statistics.Spearman([10, 20, 20, 30], [1, 3, 2, 4]), 12);
    }

    [Fact]
    public void AverageRanksShareTiedRanks() =>
        Assert.Equal([3.5, 1, 3.5, 2, 5], Statistics.AverageRanks([7, 1, 7, 4, 9]));

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.3, 2.4)]  // position 1.2: 2 + 0.2 * (4 - 2)
    [InlineData(0.5, 4.0)]
    [InlineData(0.9, 9.4)]  // position 3.6: 7 + 0.6 * (11 - 7)
    [InlineData(1.0, 11.0)]
    public void QuantileMatchesNumpyLinearInterpolation(double q, double expected) =>
        Assert.Equal(expected, Statistics.Quantile([1, 2, 4, 7, 11], q), 12);

    [Fact]
    public void VarianceAndMeanNeedEnoughValues()
    {
        Assert.Equal(2.5, Statistics.Variance([1, 2, 3, 4, 5]), 12);
        Assert.Throws<ArgumentException>(() => Statistics.Variance([1]));
        Assert.Throws<ArgumentException>(() => Statistics.Mean([]));
    }
}
