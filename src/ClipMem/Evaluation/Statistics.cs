using ClipMem.Common;

namespace ClipMem.Evaluation;

public sealed record ConfidenceInterval(double Mean, double Low, double High);

public sealed record TTestResult(double T, double DegreesOfFreedom, double PValue);

/// <summary>The statistics the study reports: bootstrap CIs of means, Welch's t-test, rank correlation.</summary>
public static class Statistics
{
    public static double Mean(IReadOnlyList<double> values) =>
        values.Count == 0 ? throw new ArgumentException("Mean of an empty set.") : values.Average();

    public static double Variance(IReadOnlyList<double> values)
    {
        if (values.Count < 2) throw new ArgumentException("Variance needs at least two values.");
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }

    /// <summary>Percentile bootstrap of the mean: resample with replacement, take the 2.5% and 97.5% quantiles.</summary>
    public static ConfidenceInterval BootstrapMean(IReadOnlyList<double> values, ulong seed, int resamples = 2000, double level = 0.95)
    {
        if (values.Count == 0) throw new ArgumentException("Bootstrap of an empty set.");
        var rng = DeterministicRandom.For(seed, "bootstrap");
        var means = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++) sum += values[rng.NextInt(values.Count)];
            means[b] = sum / values.Count;
        }
        Array.Sort(means);
        double alpha = (1 - level) / 2;
        return new ConfidenceInterval(values.Average(), Quantile(means, alpha), Quantile(means, 1 - alpha));
    }

    /// <summary>
    /// Mean of <paramref name="a"/> minus mean of <paramref name="b"/>, with a percentile bootstrap interval that
    /// resamples the two groups independently (they are different samples, such as clean S_C and S_S).
    /// </summary>
    public static ConfidenceInterval BootstrapDifferenceOfMeans(IReadOnlyList<double> a, IReadOnlyList<double> b, ulong seed, int resamples = 2000, double level = 0.95)
    {
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("Bootstrap of an empty set.");
        var rng = DeterministicRandom.For(seed, "bootstrap-difference");
        var differences = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sumA = 0, sumB = 0;
            for (int i = 0; i < a.Count; i++) sumA += a[rng.NextInt(a.Count)];
            for (int i = 0; i < b.Count; i++) sumB += b[rng.NextInt(b.Count)];
            differences[r] = sumA / a.Count - sumB / b.Count;
        }
        Array.Sort(differences);
        double alpha = (1 - level) / 2;
        return new ConfidenceInterval(a.Average() - b.Average(), Quantile(differences, alpha), Quantile(differences, 1 - alpha));
    }

    /// <summary>Linear-interpolated quantile of sorted values (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>Welch's two-sample t-test (unequal variances), two-sided p-value.</summary>
    public static TTestResult WelchTTest(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double va = Variance(a) / a.Count, vb = Variance(b) / b.Count;
        double t = (a.Average() - b.Average()) / Math.Sqrt(va + vb);
        double df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        return new TTestResult(t, df, 2 * StudentTUpperTail(Math.Abs(t), df));
    }

    /// <summary>
    /// The paired t-test of a[i] - b[i] against 0 (the same samples measured twice, as a mitigation against its
    /// baseline on the same S_C), two-sided p-value.
    /// </summary>
    public static TTestResult PairedTTest(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"A paired test needs as many values on each side, got {a.Count} and {b.Count}.");
        if (a.Count < 2) throw new ArgumentException("A paired test needs at least 2 pairs.");
        var differences = a.Zip(b, (x, y) => x - y).ToList();
        double t = differences.Average() / Math.Sqrt(Variance(differences) / differences.Count);
        double df = differences.Count - 1;
        return new TTestResult(t, df, 2 * StudentTUpperTail(Math.Abs(t), df));
    }

    /// <summary>P(T > t) for Student's t with df degrees of freedom, via the regularised incomplete beta function.</summary>
    public static double StudentTUpperTail(double t, double df) =>
        0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));

    /// <summary>
    /// The mean of a few per-seed values with its Student-t interval (mean +- t_{df, (1+level)/2} s / sqrt(n)): what a
    /// claim over 3 seeds rests on. One value has no spread: its interval is the value itself, NaN-free but degenerate.
    /// </summary>
    public static ConfidenceInterval StudentTMean(IReadOnlyList<double> values, double level = 0.95)
    {
        if (values.Count == 0) throw new ArgumentException("Interval of an empty set.");
        double mean = values.Average();
        if (values.Count == 1) return new ConfidenceInterval(mean, mean, mean);
        double half = StudentTQuantile(1 - (1 - level) / 2, values.Count - 1) * Math.Sqrt(Variance(values) / values.Count);
        return new ConfidenceInterval(mean, mean - half, mean + half);
    }

    /// <summary>The p-quantile (p > 0.5) of Student's t, by bisection on <see cref="StudentTUpperTail"/>.</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (p is <= 0.5 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "only upper quantiles 0.5 < p < 1");
        double low = 0, high = 1e4;
        for (int i = 0; i < 200; i++)
        {
            double mid = (low + high) / 2;
            if (StudentTUpperTail(mid, df) > 1 - p) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }

    /// <summary>Spearman's rank correlation (Pearson correlation of average ranks).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 3) throw new ArgumentException("Spearman needs two equally long series of at least 3 values.");
        return Pearson(AverageRanks(x), AverageRanks(y));
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, ties sharing their average rank.</summary>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    // Numerical Recipes' continued fraction (Lentz) for I_x(a, b).
    private static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        if (x > (a + 1) / (a + b + 2)) return 1 - RegularizedIncompleteBeta(b, a, 1 - x);
        double front = Math.Exp(logFront) / a;
        const double tiny = 1e-300;
        double f = 1, c = 1, d = 0;
        for (int i = 0; i <= 400; i++)
        {
            int m = i / 2;
            double numerator = i == 0 ? 1
                : i % 2 == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + numerator * d;
            if (Math.Abs(d) < tiny) d = tiny;
            d = 1 / d;
            c = 1 + numerator / c;
            if (Math.Abs(c) < tiny) c = tiny;
            double cd = c * d;
            f *= cd;
            if (Math.Abs(1 - cd) < 1e-12) break;
        }
        return front * (f - 1);
    }

    // Lanczos approximation (g = 7, n = 9).
    private static double LogGamma(double x)
    {
        double[] coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double sum = coefficients[0];
        for (int i = 1; i < 9; i++) sum += coefficients[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
