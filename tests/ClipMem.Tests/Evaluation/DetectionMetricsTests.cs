using ClipMem.Evaluation;

namespace ClipMem.Tests.Evaluation;

public class DetectionMetricsTests
{
    // P(score of a positive > score of a negative), ties one half, by counting every pair.
    private static double PairCountAuroc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < scores.Count; i++)
            for (int j = 0; j < scores.Count; j++)
            {
                if (!positive[i] || positive[j]) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        return wins / pairs;
    }

    [Fact]
    public void AurocWithTiesMatchesAHandCount()
    {
        double[] scores = [0.9, 0.8, 0.8, 0.5, 0.5, 0.1];
        bool[] positive = [true, true, false, true, false, false];
        // Positives 0.9, 0.8, 0.5 against negatives 0.8, 0.5, 0.1:
        // 0.9 beats all three (3); 0.8 ties 0.8, beats 0.5 and 0.1 (2.5); 0.5 loses to 0.8, ties 0.5, beats 0.1 (1.5).
        Assert.Equal(7.0 / 9.0, DetectionMetrics.Auroc(scores, positive), 12);
    }

    [Fact]
    public void AurocMatchesPairCountingOnRandomDataWithTies()
    {
        var rng = new Random(3);
        var scores = Enumerable.Range(0, 60).Select(_ => (double)rng.Next(8)).ToArray(); // many ties
        var positive = Enumerable.Range(0, 60).Select(i => i % 3 == 0 || rng.NextDouble() < 0.2).ToArray();
        Assert.Equal(PairCountAuroc(scores, positive), DetectionMetrics.Auroc(scores, positive), 12);
    }

    [Fact]
    public void AurocIsOneForPerfectSeparationAndZeroWhenReversed()
    {
        double[] scores = [5, 4, 3, 2, 1];
        Assert.Equal(1.0, DetectionMetrics.Auroc(scores, [true, true, false, false, false]), 12);
        Assert.Equal(0.0, DetectionMetrics.Auroc(scores, [false, false, false, true, true]), 12);
        Assert.Equal(0.5, DetectionMetrics.Auroc([1, 1, 1, 1], [true, false, true, false]), 12);
    }

    [Fact]
    public void AurocNeedsBothClasses()
    {
        Assert.Throws<ArgumentException>(() => DetectionMetrics.Auroc([1, 2, 3], [false, false, false]));
        Assert.Throws<ArgumentException>(() => DetectionMetrics.Auroc([1, 2, 3], [true, true, true]));
        Assert.Throws<ArgumentException>(() => DetectionMetrics.Auroc([1, 2, 3], [true, false]));
    }

    [Fact]
    public void PrecisionAtKMatchesAHandExample()
    {
        double[] scores = [0.2, 0.9, 0.5, 0.7, 0.1, 0.6];
        bool[] positive = [false, true, true, false, false, true];
        // Order by score: 0.9 (+), 0.7 (-), 0.6 (+), 0.5 (+), 0.2 (-), 0.1 (-).
        Assert.Equal(1.0, DetectionMetrics.PrecisionAtK(scores, positive, 1), 12);
        Assert.Equal(0.5, DetectionMetrics.PrecisionAtK(scores, positive, 2), 12);
        Assert.Equal(2.0 / 3.0, DetectionMetrics.PrecisionAtK(scores, positive), 12); // k = 3 positives
        Assert.Equal(0.75, DetectionMetrics.PrecisionAtK(scores, positive, 4), 12);
        Assert.Equal(0.5, DetectionMetrics.PrecisionAtK(scores, positive, 6), 12);
    }

    [Fact]
    public void PrecisionAtKRejectsNoPositivesAndBadK()
    {
        double[] scores = [0.3, 0.2, 0.1];
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectionMetrics.PrecisionAtK(scores, [false, false, false]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectionMetrics.PrecisionAtK(scores, [true, false, false], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectionMetrics.PrecisionAtK(scores, [true, false, false], 0));
    }
}
