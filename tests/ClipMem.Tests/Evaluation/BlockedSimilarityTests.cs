using ClipMem.Data;
using ClipMem.Evaluation;
using ClipMem.Memorization;

namespace ClipMem.Tests.Evaluation;

/// <summary>The blocked searches equal the scalar loops they replace, whatever the block size.</summary>
public class BlockedSimilarityTests
{
    private static float[] RandomUnitRows(int rows, int dim, int seed)
    {
        var random = new Random(seed);
        var flat = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            var v = Enumerable.Range(0, dim).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int d = 0; d < dim; d++) flat[r * dim + d] = (float)(v[d] / norm);
        }
        return flat;
    }

    private static double Dot(float[] flat, int dim, int a, int b)
    {
        double dot = 0;
        for (int d = 0; d < dim; d++) dot += (double)flat[a * dim + d] * flat[b * dim + d];
        return dot;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1024)]
    public void MeanDistanceToTheNearestEqualsTheScalarLoopAndLeavesASampleOutOfItsOwnNeighbours(int blockRows)
    {
        const int dim = 12, k = 5;
        var flat = RandomUnitRows(90, dim, seed: 11);
        var gallery = Enumerable.Range(0, 60).ToList();
        var queries = Enumerable.Range(40, 50).ToList();      // 20 of them are in the gallery too

        var blocked = BlockedSimilarity.MeanDistanceToNearest(flat, dim, queries, gallery, k, blockRows);

        for (int q = 0; q < queries.Count; q++)
        {
            var nearest = gallery.Where(row => row != queries[q]).Select(row => Dot(flat, dim, queries[q], row)).OrderDescending().Take(k);
            Assert.Equal(nearest.Average(s => 1 - s), blocked[q], 12);
        }
    }

    [Fact]
    public void RetrievalRanksDoNotDependOnTheBlockSize()
    {
        const int dim = 8, images = 40;
        var random = new Random(5);
        var captionCounts = Enumerable.Range(0, images).Select(_ => 1 + random.Next(4)).ToArray();
        var offsets = new int[images + 1];
        for (int i = 0; i < images; i++) offsets[i + 1] = offsets[i] + captionCounts[i];
        var imageRows = RandomUnitRows(images, dim, seed: 1);
        var captions = RandomUnitRows(offsets[^1], dim, seed: 2);
        // Captions near their own image, so some are retrieved and some are not.
        for (int i = 0; i < images; i++)
            for (int c = offsets[i]; c < offsets[i + 1]; c++)
                for (int d = 0; d < dim; d++) captions[c * dim + d] = 0.6f * captions[c * dim + d] + 0.4f * imageRows[i * dim + d];
        var ids = Enumerable.Range(0, images).Select(i => new SampleId($"s{i}")).ToList();
        var set = new EmbeddingSet(ids, dim, imageRows, imageRows, captions, offsets, "random");
        var gallery = Enumerable.Range(3, 30).ToList();

        var whole = Retrieval.RecallAtK(set, gallery, 1024, [1, 3, 5]);
        foreach (int block in new[] { 1, 4, 29 })
            Assert.Equal(whole, Retrieval.RecallAtK(set, gallery, block, [1, 3, 5]));
        // Not a degenerate case: some but not all are found at 1.
        Assert.InRange(whole["image_to_text_R@1"], 0.05, 0.95);
        Assert.InRange(whole["text_to_image_R@1"], 0.05, 0.95);
    }
}
