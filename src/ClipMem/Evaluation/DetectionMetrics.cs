namespace ClipMem.Evaluation;

/// <summary>How well a score singles out flagged samples (e.g. injected mis-captions).</summary>
public static class DetectionMetrics
{
    /// <summary>
    /// Area under the ROC curve = P(score of a random positive > score of a random negative), ties
    /// counting one half (the Mann-Whitney U statistic divided by n_pos * n_neg).
    /// </summary>
    public static double Auroc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        Check(scores, positive);
        int nPos = positive.Count(p => p), nNeg = positive.Count - nPos;
        if (nPos == 0 || nNeg == 0) throw new ArgumentException("AUROC needs at least one positive and one negative sample.");
        var ranks = Statistics.AverageRanks(scores);
        double rankSumPositive = 0;
        for (int i = 0; i < scores.Count; i++) if (positive[i]) rankSumPositive += ranks[i];
        double u = rankSumPositive - nPos * (nPos + 1) / 2.0;
        return u / ((double)nPos * nNeg);
    }

    /// <summary>Fraction of the k highest-scoring samples that are positive (k = number of positives by default).</summary>
    public static double PrecisionAtK(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, int? k = null)
    {
        Check(scores, positive);
        int top = k ?? positive.Count(p => p);
        if (top <= 0 || top > scores.Count) throw new ArgumentOutOfRangeException(nameof(k), top, "k must be in [1, number of samples]");
        // Stable order: ties keep the input order, so the figure is reproducible.
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(top);
        return order.Count(i => positive[i]) / (double)top;
    }

    private static void Check(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        if (scores.Count != positive.Count) throw new ArgumentException($"{scores.Count} scores but {positive.Count} labels.");
    }
}
