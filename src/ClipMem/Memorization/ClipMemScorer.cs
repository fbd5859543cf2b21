using ClipMem.Data;

namespace ClipMem.Memorization;

public enum AlignmentVariant { Contrastive, Positive }

/// <summary>One sample's CLIPMem terms.</summary>
public sealed record ClipMemScore(SampleId Id, double PositiveF, double PositiveG, double AlignF, double AlignG, double Raw);

/// <summary>
/// CLIPMem exactly as PAPER.md section 3 specifies it. For model h and sample x with K views a_k(I) and
/// captions T_j, and reference pairs r in R:
///   pos(h,x) = mean_{k,j} cos(h_img(a_k(I)), h_txt(T_j))
///   neg(h,x) = 1/2 [ mean_{k,r} cos(h_img(a_k(I)), h_txt(T_r)) + mean_{j,r} cos(h_img(I_r), h_txt(T_j)) ]
///   align = pos - neg (contrastive) or pos (positive);  raw = align(f) - align(g).
/// Embeddings are unit vectors, so every mean of cosines is a dot product of mean embeddings; that is
/// what is computed. A reference sample scored itself is left out of its own R. Every caption of a
/// reference sample counts as one of its T_r (their mean).
/// </summary>
public static class ClipMemScorer
{
    public static IReadOnlyList<ClipMemScore> Score(
        EmbeddingSet f, EmbeddingSet g, IReadOnlyList<SampleId> samples, IReadOnlyList<SampleId> reference, AlignmentVariant variant)
    {
        if (reference.Count < 2) throw new ArgumentException("CLIPMem needs a reference pool of at least 2 samples.");
        var refF = ReferenceMeans(f, reference);
        var refG = ReferenceMeans(g, reference);
        var referenceSet = reference.ToHashSet();
        return samples.Select(id =>
        {
            var (posF, alignF) = Align(f, id, refF, referenceSet.Contains(id), reference.Count, variant);
            var (posG, alignG) = Align(g, id, refG, referenceSet.Contains(id), reference.Count, variant);
            return new ClipMemScore(id, posF, posG, alignF, alignG, alignF - alignG);
        }).ToList();
    }

    /// <summary>CLIPMem = raw / (max raw - min raw) over the evaluated set; pass a baseline range to compare configurations.</summary>
    public static double Range(IEnumerable<double> evaluatedRaw)
    {
        var values = evaluatedRaw.ToList();
        if (values.Count == 0) throw new ArgumentException("The evaluated set is empty.");
        double range = values.Max() - values.Min();
        return range > 0 ? range : 1;
    }

    private sealed record ReferenceMean(float[] Image, float[] Text, Dictionary<SampleId, (float[] Image, float[] Text)> Members);

    private static ReferenceMean ReferenceMeans(EmbeddingSet set, IReadOnlyList<SampleId> reference)
    {
        var image = new float[set.Dim];
        var text = new float[set.Dim];
        var members = new Dictionary<SampleId, (float[], float[])>();
        foreach (var id in reference)
        {
            int i = set.IndexOf(id);
            var eval = set.Eval(i).ToArray();
            var caption = set.MeanCaption(i);
            members[id] = (eval, caption);
            for (int d = 0; d < set.Dim; d++)
            {
                image[d] += eval[d] / reference.Count;
                text[d] += caption[d] / reference.Count;
            }
        }
        return new ReferenceMean(image, text, members);
    }

    private static (double Positive, double Align) Align(EmbeddingSet set, SampleId id, ReferenceMean reference, bool inReference, int referenceCount, AlignmentVariant variant)
    {
        int i = set.IndexOf(id);
        var views = set.MeanView(i);
        var captions = set.MeanCaption(i);
        double positive = Dot(views, captions);
        if (variant == AlignmentVariant.Positive) return (positive, positive);

        var refImage = reference.Image;
        var refText = reference.Text;
        if (inReference)
        {
            // Leave the sample out of its own reference pool.
            var (ownImage, ownText) = reference.Members[id];
            refImage = LeaveOut(refImage, ownImage, referenceCount);
            refText = LeaveOut(refText, ownText, referenceCount);
        }
        double negative = 0.5 * (Dot(views, refText) + Dot(refImage, captions));
        return (positive, positive - negative);
    }

    private static float[] LeaveOut(float[] mean, float[] member, int count)
    {
        var result = new float[mean.Length];
        for (int d = 0; d < mean.Length; d++) result[d] = (mean[d] * count - member[d]) / (count - 1);
        return result;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int d = 0; d < a.Length; d++) sum += (double)a[d] * b[d];
        return sum;
    }
}
