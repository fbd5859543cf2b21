using ClipMem.Data;
using ClipMem.Memorization;

namespace ClipMem.Tests.Memorization;

public class ClipMemScorerTests
{
    private const int Dim = 6;
    private const int Views = 4;

    /// <summary>One model's per-view embeddings of a set of samples: what the scorer's EmbeddingSet only sees as means.</summary>
    internal sealed class ModelEmbeddings
    {
        public required SampleId[] Ids { get; init; }
        public required double[][][] Views { get; init; }     // [sample][k][d]
        public required double[][] Eval { get; init; }        // [sample][d]
        public required double[][][] Captions { get; init; }  // [sample][j][d]

        public int IndexOf(SampleId id) => Array.IndexOf(Ids, id);

        public EmbeddingSet ToEmbeddingSet(string provenance = "test")
        {
            int n = Ids.Length;
            var meanView = new float[n * Dim];
            var eval = new float[n * Dim];
            var offsets = new int[n + 1];
            var captions = new List<float>();
            for (int i = 0; i < n; i++)
            {
                for (int d = 0; d < Dim; d++)
                {
                    meanView[i * Dim + d] = (float)Views[i].Average(v => v[d]);
                    eval[i * Dim + d] = (float)Eval[i][d];
                }
                offsets[i + 1] = offsets[i] + Captions[i].Length;
                foreach (var c in Captions[i]) captions.AddRange(c.Select(v => (float)v));
            }
            return new EmbeddingSet(Ids, Dim, meanView, eval, captions.ToArray(), offsets, provenance);
        }
    }

    private static double[] UnitVector(Random rng)
    {
        var v = new double[Dim];
        double norm;
        do
        {
            for (int d = 0; d < Dim; d++) v[d] = rng.NextDouble() * 2 - 1;
            norm = Math.Sqrt(v.Sum(x => x * x));
        } while (norm < 1e-3);
        // Round through float so the naive implementation and the float EmbeddingSet see the same vectors.
        return v.Select(x => (double)(float)(x / norm)).ToArray();
    }

    internal static ModelEmbeddings RandomModel(SampleId[] ids, int[] captionCounts, int seed)
    {
        var rng = new Random(seed);
        return new ModelEmbeddings
        {
            Ids = ids,
            Views = ids.Select(_ => Enumerable.Range(0, Views).Select(_ => UnitVector(rng)).ToArray()).ToArray(),
            Eval = ids.Select(_ => UnitVector(rng)).ToArray(),
            Captions = captionCounts.Select(m => Enumerable.Range(0, m).Select(_ => UnitVector(rng)).ToArray()).ToArray(),
        };
    }

    private static double Cos(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int d = 0; d < a.Length; d++)
        {
            dot += a[d] * b[d];
            na += a[d] * a[d];
            nb += b[d] * b[d];
        }
        return dot / Math.Sqrt(na * nb);
    }

    // PAPER.md section 3, literally: explicit loops over views k, captions j and reference pairs r (the
    // reference sample's captions T_r averaged, its image I_r the plain view), the sample left out of its own R.
    private static (double Positive, double Align) NaiveAlign(ModelEmbeddings h, SampleId id, IReadOnlyList<SampleId> reference, bool contrastive)
    {
        int x = h.IndexOf(id);
        var views = h.Views[x];
        var captions = h.Captions[x];

        double pos = 0;
        int count = 0;
        foreach (var view in views)
            foreach (var caption in captions)
            {
                pos += Cos(view, caption);
                count++;
            }
        pos /= count;
        if (!contrastive) return (pos, pos);

        var pool = reference.Where(r => r != id).Select(h.IndexOf).ToList();
        double imageToReferenceText = 0;
        count = 0;
        foreach (var view in views)
            foreach (int r in pool)
            {
                double toTr = 0;
                foreach (var referenceCaption in h.Captions[r]) toTr += Cos(view, referenceCaption);
                imageToReferenceText += toTr / h.Captions[r].Length;
                count++;
            }
        imageToReferenceText /= count;

        double referenceImageToText = 0;
        count = 0;
        foreach (var caption in captions)
            foreach (int r in pool)
            {
                referenceImageToText += Cos(h.Eval[r], caption);
                count++;
            }
        referenceImageToText /= count;

        double neg = 0.5 * (imageToReferenceText + referenceImageToText);
        return (pos, pos - neg);
    }

    private static readonly SampleId[] Ids = Enumerable.Range(0, 14).Select(i => new SampleId($"s{i:D2}")).ToArray();
    private static readonly int[] CaptionCounts = [1, 3, 2, 5, 1, 2, 4, 3, 1, 2, 3, 1, 2, 5];
    private static readonly ModelEmbeddings F = RandomModel(Ids, CaptionCounts, 101);
    private static readonly ModelEmbeddings G = RandomModel(Ids, CaptionCounts, 202);

    // Reference pool: samples 6..13. Scored: 0..9, so 6..9 are scored while in the pool (leave-one-out) and 0..5 are not.
    private static readonly SampleId[] Reference = Ids[6..];
    private static readonly SampleId[] Scored = Ids[..10];

    [Theory]
    [InlineData(AlignmentVariant.Contrastive)]
    [InlineData(AlignmentVariant.Positive)]
    public void MatchesANaiveImplementationOfTheDefinition(AlignmentVariant variant)
    {
        var scores = ClipMemScorer.Score(F.ToEmbeddingSet(), G.ToEmbeddingSet(), Scored, Reference, variant);
        Assert.Equal(Scored, scores.Select(s => s.Id));
        bool contrastive = variant == AlignmentVariant.Contrastive;
        foreach (var score in scores)
        {
            var (posF, alignF) = NaiveAlign(F, score.Id, Reference, contrastive);
            var (posG, alignG) = NaiveAlign(G, score.Id, Reference, contrastive);
            Assert.Equal(posF, score.PositiveF, 1e-6);
            Assert.Equal(posG, score.PositiveG, 1e-6);
            Assert.Equal(alignF, score.AlignF, 1e-6);
            Assert.Equal(alignG, score.AlignG, 1e-6);
            Assert.Equal(alignF - alignG, score.Raw, 1e-6);
        }
        // The naive value differs between the variants (so the comparison above can tell them apart).
        if (contrastive) Assert.Contains(scores, s => Math.Abs(s.AlignF - s.PositiveF) > 1e-3);
    }

    [Fact]
    public void LeavingTheSampleOutOfItsOwnReferencePoolMatters()
    {
        // Sample 7 is in R; keeping it in its own pool would give a different (wrong) value.
        var id = Ids[7];
        var score = ClipMemScorer.Score(F.ToEmbeddingSet(), G.ToEmbeddingSet(), [id], Reference, AlignmentVariant.Contrastive).Single();
        var (_, withoutSelf) = NaiveAlign(F, id, Reference, contrastive: true);
        Assert.Equal(withoutSelf, score.AlignF, 1e-6);
        double keptIn = NaiveAlignKeepingSelf(F, id, Reference);
        Assert.True(Math.Abs(keptIn - score.AlignF) > 1e-4, $"kept-in {keptIn} vs scorer {score.AlignF}");
    }

    private static double NaiveAlignKeepingSelf(ModelEmbeddings h, SampleId id, IReadOnlyList<SampleId> reference)
    {
        int x = h.IndexOf(id);
        double pos = h.Views[x].SelectMany(v => h.Captions[x].Select(c => Cos(v, c))).Average();
        var pool = reference.Select(h.IndexOf).ToList();
        double a = h.Views[x].SelectMany(v => pool.Select(r => h.Captions[r].Average(c => Cos(v, c)))).Average();
        double b = h.Captions[x].SelectMany(c => pool.Select(r => Cos(h.Eval[r], c))).Average();
        return pos - 0.5 * (a + b);
    }

    [Theory]
    [InlineData(AlignmentVariant.Contrastive)]
    [InlineData(AlignmentVariant.Positive)]
    public void SwappingFAndGNegatesRawScores(AlignmentVariant variant)
    {
        var f = F.ToEmbeddingSet();
        var g = G.ToEmbeddingSet();
        var forward = ClipMemScorer.Score(f, g, Scored, Reference, variant);
        var backward = ClipMemScorer.Score(g, f, Scored, Reference, variant);
        for (int i = 0; i < forward.Count; i++)
        {
            Assert.Equal(-forward[i].Raw, backward[i].Raw, 12);
            Assert.Equal(forward[i].AlignF, backward[i].AlignG, 12);
        }
        Assert.Contains(forward, s => Math.Abs(s.Raw) > 1e-3);
    }

    [Fact]
    public void TheSameModelAsFAndGScoresZero()
    {
        var f = F.ToEmbeddingSet();
        Assert.All(ClipMemScorer.Score(f, f, Scored, Reference, AlignmentVariant.Contrastive), s => Assert.Equal(0.0, s.Raw));
    }

    [Fact]
    public void RangeNormalisationDividesByMaxMinusMin()
    {
        double[] raw = [0.3, -0.2, 0.05, 0.8];
        double range = ClipMemScorer.Range(raw);
        Assert.Equal(1.0, range, 12);                       // 0.8 - (-0.2)
        var normalised = raw.Select(r => r / range).ToArray();
        Assert.Equal(1.0, normalised.Max() - normalised.Min(), 12);

        Assert.Equal(0.5, ClipMemScorer.Range([0.25, -0.25, 0.1]), 12);
        Assert.Equal(1.0, ClipMemScorer.Range([0.4, 0.4]));   // no spread: leave raw values as they are
        Assert.Throws<ArgumentException>(() => ClipMemScorer.Range([]));
    }

    [Fact]
    public void RejectsAReferencePoolOfFewerThanTwoSamples()
    {
        var f = F.ToEmbeddingSet();
        Assert.Throws<ArgumentException>(() => ClipMemScorer.Score(f, f, Scored, [Ids[0]], AlignmentVariant.Contrastive));
    }
}
