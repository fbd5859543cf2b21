using TorchSharp;
using ClipMem.Memorization;

namespace ClipMem.Evaluation;

/// <summary>Image-text retrieval recall@k in both directions; any caption of an image counts as a match.</summary>
public static class Retrieval
{
    /// <summary>Recall keys like image_to_text_R@10 by direction, then k as a number (R@1, R@5, R@10), not as text.</summary>
    public static IEnumerable<KeyValuePair<string, double>> InReadingOrder(IReadOnlyDictionary<string, double> recalls) =>
        recalls.OrderBy(kv => kv.Key[..kv.Key.IndexOf('@')], StringComparer.Ordinal)
            .ThenBy(kv => int.Parse(kv.Key[(kv.Key.IndexOf('@') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <param name="sampleIndices">Rows of <paramref name="set"/> forming the retrieval gallery (S_E in the study).</param>
    public static IReadOnlyDictionary<string, double> RecallAtK(EmbeddingSet set, IReadOnlyList<int> sampleIndices, params int[] ks) =>
        RecallAtK(set, sampleIndices, BlockedSimilarity.DefaultBlockRows, ks);

    /// <param name="blockRows">Images per block: the similarities are held a block of images against every caption at a time.</param>
    public static IReadOnlyDictionary<string, double> RecallAtK(EmbeddingSet set, IReadOnlyList<int> sampleIndices, int blockRows, int[] ks)
    {
        if (ks.Length == 0) ks = [1, 5, 10];
        var captionImage = new List<long>();   // gallery position of each caption's image
        var captionRows = new List<int>();     // row of each caption in set.Captions
        for (int i = 0; i < sampleIndices.Count; i++)
            for (int j = 0; j < set.CaptionCount(sampleIndices[i]); j++)
            {
                captionImage.Add(i);
                captionRows.Add(set.CaptionOffsets[sampleIndices[i]] + j);
            }
        int images = sampleIndices.Count;
        var imageRank = new long[images];
        var textRank = new long[captionRows.Count];
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            var imageEmbeddings = BlockedSimilarity.Rows(set.EvalImage, set.Dim, sampleIndices);
            var captions = BlockedSimilarity.Rows(set.Captions, set.Dim, captionRows);
            var imageOfCaption = TorchSharp.torch.tensor(captionImage.ToArray());
            // Each caption's similarity with its own image.
            var own = imageEmbeddings.index_select(0, imageOfCaption).mul(captions).sum([1]);
            using var excluded = double.NegativeInfinity.ToScalar();
            var textCounts = TorchSharp.torch.zeros([captionRows.Count], TorchSharp.torch.ScalarType.Int64);
            for (int start = 0; start < images; start += blockRows)
            {
                using var block = TorchSharp.torch.NewDisposeScope();
                int count = Math.Min(blockRows, images - start);
                var similarity = imageEmbeddings.narrow(0, start, count).matmul(captions.t());                    // [B, C]
                var ownCaption = imageOfCaption.unsqueeze(0).eq(TorchSharp.torch.tensor(Enumerable.Range(start, count).Select(i => (long)i).ToArray()).unsqueeze(1));  // [B, C]
                var otherCaption = ownCaption.logical_not();
                // An item is retrieved at k when fewer than k wrong candidates score strictly higher than its best match.
                var best = similarity.masked_fill(otherCaption, excluded).max(1).values;
                similarity.gt(best.unsqueeze(1)).logical_and(otherCaption).sum([1]).data<long>().ToArray().CopyTo(imageRank, start);
                textCounts.add_(similarity.gt(own.unsqueeze(0)).logical_and(otherCaption).sum([0]), Common.TorchScalars.IntegerOne);
            }
            textCounts.data<long>().ToArray().CopyTo(textRank, 0);
        }

        var result = new Dictionary<string, double>();
        foreach (int k in ks)
        {
            result[$"image_to_text_R@{k}"] = imageRank.Count(r => r < k) / (double)imageRank.Length;
            result[$"text_to_image_R@{k}"] = textRank.Count(r => r < k) / (double)textRank.Length;
        }
        return result;
    }
}
