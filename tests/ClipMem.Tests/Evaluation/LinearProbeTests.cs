using ClipMem.Evaluation;
using TorchSharp;

namespace ClipMem.Tests.Evaluation;

public class LinearProbeTests
{
    private const int Dim = 16;
    private const int Classes = 4;

    public LinearProbeTests() => torch.set_num_threads(1);

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Each class a Gaussian cluster around its own direction (features are L2-normalised by the probe).</summary>
    private static (float[,] Features, int[] Labels) Clusters(int perClass, int seed, double noise, bool shuffleLabels = false)
    {
        var rng = new Random(seed);
        int n = perClass * Classes;
        var features = new float[n, Dim];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % Classes;
            labels[i] = shuffleLabels ? rng.Next(Classes) : c;
            for (int d = 0; d < Dim; d++)
                features[i, d] = (float)((shuffleLabels ? 0 : d == c ? 3.0 : 0.0) + noise * Gaussian(rng));
        }
        return (features, labels);
    }

    [Fact]
    public void SeparableClustersAreClassifiedAlmostPerfectly()
    {
        var (trainX, trainY) = Clusters(40, 1, 0.5);
        var (testX, testY) = Clusters(50, 2, 0.5);
        var result = LinearProbe.Fit(trainX, trainY, testX, testY, seed: 5);
        Assert.Equal(Classes, result.Classes);
        Assert.Equal(160, result.TrainCount);
        Assert.Equal(200, result.TestCount);
        Assert.True(result.TrainAccuracy >= 0.98, $"train accuracy {result.TrainAccuracy}");
        Assert.True(result.TestAccuracy >= 0.95, $"test accuracy {result.TestAccuracy}");
    }

    [Fact]
    public void RandomLabelsGiveChanceAccuracyOnTheTestSet()
    {
        var (trainX, trainY) = Clusters(40, 3, 1.0, shuffleLabels: true);
        var (testX, testY) = Clusters(100, 4, 1.0, shuffleLabels: true);
        var result = LinearProbe.Fit(trainX, trainY, testX, testY, seed: 5);
        // Chance is 1/4; with 400 test samples the standard error is about 0.022.
        Assert.InRange(result.TestAccuracy, 0.15, 0.35);
        // The probe can still fit some of the noise it was trained on.
        Assert.True(result.TrainAccuracy > result.TestAccuracy, $"train {result.TrainAccuracy}, test {result.TestAccuracy}");
    }

    [Fact]
    public void IsDeterministicForASeed()
    {
        var (trainX, trainY) = Clusters(20, 5, 2.0);
        var (testX, testY) = Clusters(20, 6, 2.0);
        var first = LinearProbe.Fit(trainX, trainY, testX, testY, seed: 8, steps: 100);
        var second = LinearProbe.Fit(trainX, trainY, testX, testY, seed: 8, steps: 100);
        Assert.Equal(first, second);
    }

    [Fact]
    public void RejectsMismatchedFeaturesAndLabels()
    {
        var (x, y) = Clusters(5, 7, 0.5);
        Assert.Throws<ArgumentException>(() => LinearProbe.Fit(x, y[..^1], x, y, seed: 1));
    }
}
