using static TorchSharp.torch;

namespace ClipMem.Evaluation;

/// <summary>
/// Dot-product searches between sets of embeddings, a block of query rows at a time as one matrix product, so the
/// memory is a block times the gallery (at the study's 80k samples a full similarity matrix of S_E against its
/// 25k captions alone is 1 GB of doubles, and a scalar loop over 80k x 65k x 512 takes hours). In float64 (products
/// too), so the results equal a scalar loop in double up to the order of the sums; the loops they replace multiplied
/// in float, about 1e-9 away.
/// </summary>
public static class BlockedSimilarity
{
    public const int DefaultBlockRows = 1024;

    /// <summary>Rows of a flat row-major float array, as a float64 [rows.Count, dim] tensor.</summary>
    public static Tensor Rows(float[] flat, int dim, IReadOnlyList<int> rows)
    {
        var values = new double[rows.Count * dim];
        for (int r = 0; r < rows.Count; r++)
            for (int d = 0; d < dim; d++) values[r * dim + d] = flat[rows[r] * dim + d];
        return tensor(values, [rows.Count, dim], ScalarType.Float64);
    }

    /// <summary>
    /// For each query row, the mean of 1 - s over its <paramref name="k"/> largest dot products s with the gallery rows,
    /// the query's own row left out when the gallery holds it (a sample is not its own neighbour).
    /// </summary>
    /// <param name="flat">Every embedding, row-major; queries and gallery are row numbers into it.</param>
    public static double[] MeanDistanceToNearest(float[] flat, int dim, IReadOnlyList<int> queryRows, IReadOnlyList<int> galleryRows, int k,
        int blockRows = DefaultBlockRows)
    {
        if (k < 1) throw new ArgumentException($"k = {k}: at least one neighbour.");
        var positionInGallery = new Dictionary<int, int>(galleryRows.Count);
        for (int p = 0; p < galleryRows.Count; p++) positionInGallery.TryAdd(galleryRows[p], p);
        var result = new double[queryRows.Count];
        using var outer = NewDisposeScope();
        var gallery = Rows(flat, dim, galleryRows).t();
        int take = Math.Min(k, galleryRows.Count);
        using var excluded = tensor(double.NegativeInfinity, ScalarType.Float64);
        for (int start = 0; start < queryRows.Count; start += blockRows)
        {
            using var scope = NewDisposeScope();
            var block = queryRows.Skip(start).Take(blockRows).ToList();
            var similarity = Rows(flat, dim, block).matmul(gallery);             // [B, M]
            var self = block.Select((row, b) => (b, Found: positionInGallery.TryGetValue(row, out int p), p)).Where(x => x.Found).ToList();
            if (self.Count > 0)
                similarity.index_put_(excluded, tensor(self.Select(x => (long)x.b).ToArray()), tensor(self.Select(x => (long)x.p).ToArray()));
            var nearest = similarity.topk(take, dim: 1).values;                   // [B, take]
            var distance = nearest.neg().add(Common.TorchScalars.One, Common.TorchScalars.One).mean([1]).data<double>().ToArray();
            distance.CopyTo(result, start);
        }
        return result;
    }
}
