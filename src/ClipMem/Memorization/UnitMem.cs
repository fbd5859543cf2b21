namespace ClipMem.Memorization;

/// <summary>
/// What UnitMem sets a unit's most-activating sample against: the other samples' median (the authors' code)
/// or their mean (the paper's text). PAPER.md section 5 asks for both.
/// </summary>
public enum UnitMemRest { Median, Mean }

/// <summary>
/// One layer's UnitMem (PAPER.md section 5; Wang et al. 2024, "Localizing memorization in SSL vision
/// encoders"): per unit, how much more it fires for the one sample it fires for most than for the rest.
/// </summary>
/// <param name="Scores">Per unit, (mu_max - mu_rest) / (mu_max + mu_rest), in [0, 1]; NaN for a dead unit.</param>
/// <param name="MaxSample">Per unit, the index (into the measured samples) of the sample with mu_max.</param>
/// <param name="DeadUnits">Units with mu = 0 for every sample after clamping: 0 / 0, left out of <see cref="Mean"/>.</param>
public sealed record UnitMemLayer(int Layer, UnitMemRest Rest, double[] Scores, int[] MaxSample, int DeadUnits)
{
    /// <summary>The layer's UnitMem: the mean over its live units (the figure the study plots per layer).</summary>
    public double Mean => Scores.Where(s => !double.IsNaN(s)).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>UnitMem from a table of mean activations, mu_k(u) for every sample k and unit u of one layer.</summary>
public static class UnitMem
{
    /// <summary>
    /// UnitMem of every unit of one layer. Activations are clamped at 0 first: GELU dips to about -0.17, and a
    /// negative mu would put the ratio outside [0, 1] (PAPER.md: clamp and say so). Ties for the maximum go to the
    /// first sample.
    /// </summary>
    /// <param name="activations">Row-major [samples, units]: mu_k(u), a unit's activation averaged over tokens and views.</param>
    public static UnitMemLayer Layer(int layer, float[] activations, int samples, int units, UnitMemRest rest)
    {
        if (samples < 2) throw new ArgumentException($"UnitMem compares a unit's top sample with the rest: it needs at least 2 samples, got {samples}.");
        if (activations.Length != samples * units)
            throw new ArgumentException($"activation table of layer {layer} has {activations.Length} values, not {samples} samples x {units} units.");
        var scores = new double[units];
        var maxSample = new int[units];
        var others = new double[samples - 1];
        int dead = 0;
        for (int u = 0; u < units; u++)
        {
            int top = 0;
            for (int k = 1; k < samples; k++)
                if (Clamped(activations, k, u, units) > Clamped(activations, top, u, units)) top = k;
            for (int k = 0, i = 0; k < samples; k++)
                if (k != top) others[i++] = Clamped(activations, k, u, units);
            double max = Clamped(activations, top, u, units);
            double restValue = rest == UnitMemRest.Median ? Median(others) : others.Average();
            maxSample[u] = top;
            if (max + restValue == 0)
            {
                scores[u] = double.NaN;
                dead++;
            }
            else scores[u] = (max - restValue) / (max + restValue);
        }
        return new UnitMemLayer(layer, rest, scores, maxSample, dead);
    }

    private static double Clamped(float[] activations, int sample, int unit, int units) => Math.Max(0.0, activations[sample * units + unit]);

    /// <summary>The median as numpy computes it: the mean of the two middle values of an even count. Sorts in place.</summary>
    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
