using ClipMem.Data;

namespace ClipMem.Memorization;

/// <summary>One sample's SSLMem terms: the mean alignment distance under f and under g, and raw = g - f.</summary>
public sealed record SslMemScore(SampleId Id, double DistanceF, double DistanceG, double Raw);

/// <summary>
/// SSLMem (PAPER.md section 5; Wang et al. 2024, "Memorization in self-supervised learning improves downstream
/// generalization") from representations already computed. For an encoder h and a sample x with K augmented views
/// a_k(x): d(h, x) = mean_k || n(h(x)) - n(h(a_k(x))) ||_2, with n the L2 normalisation; raw = d(g, x) - d(f, x):
/// f, which trained on x, maps its views closer to the image than g does. The anchor is the un-augmented image, not a
/// second augmented view: the authors' code does this, where the paper's text pairs two augmentations.
/// Normalised scores divide raw by the range over S_C (<see cref="ClipMemScorer.Range"/>), as CLIPMem's do.
/// </summary>
public static class SslMem
{
    /// <summary>Per sample, the mean L2 distance between its normalised anchor and its K normalised views.</summary>
    /// <param name="anchors">Row-major [samples, dim]: the un-augmented image's representation.</param>
    /// <param name="views">Row-major [samples, K, dim]: the augmented views' representations.</param>
    public static double[] AlignmentDistances(float[] anchors, float[] views, int samples, int viewsPerSample, int dim)
    {
        if (viewsPerSample < 1) throw new ArgumentException($"SSLMem averages over at least one view, got {viewsPerSample}.");
        if (anchors.Length != samples * dim)
            throw new ArgumentException($"anchors hold {anchors.Length} values, not {samples} samples x {dim} dims.");
        if (views.Length != samples * viewsPerSample * dim)
            throw new ArgumentException($"views hold {views.Length} values, not {samples} samples x {viewsPerSample} views x {dim} dims.");
        var distances = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            var anchor = Normalised(anchors.AsSpan(i * dim, dim));
            double sum = 0;
            for (int k = 0; k < viewsPerSample; k++)
            {
                var view = Normalised(views.AsSpan((i * viewsPerSample + k) * dim, dim));
                double squared = 0;
                for (int d = 0; d < dim; d++) squared += (anchor[d] - view[d]) * (anchor[d] - view[d]);
                sum += Math.Sqrt(squared);
            }
            distances[i] = sum / viewsPerSample;
        }
        return distances;
    }

    /// <summary>raw = d(g) - d(f) per sample, in the order given.</summary>
    public static IReadOnlyList<SslMemScore> Score(IReadOnlyList<SampleId> ids, IReadOnlyList<double> distanceF, IReadOnlyList<double> distanceG)
    {
        if (distanceF.Count != ids.Count || distanceG.Count != ids.Count)
            throw new ArgumentException($"{ids.Count} samples but {distanceF.Count} distances under f and {distanceG.Count} under g.");
        return ids.Select((id, i) => new SslMemScore(id, distanceF[i], distanceG[i], distanceG[i] - distanceF[i])).ToList();
    }

    // A zero vector stays zero (its distance to a unit vector is 1), rather than dividing by zero.
    private static double[] Normalised(ReadOnlySpan<float> v)
    {
        double norm = 0;
        foreach (float x in v) norm += (double)x * x;
        norm = Math.Sqrt(norm);
        var result = new double[v.Length];
        if (norm == 0) return result;
        for (int d = 0; d < v.Length; d++) result[d] = v[d] / norm;
        return result;
    }
}
