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
    public static IReadOnlyDictionary<string, double> RecallAtK(EmbeddingSet set, IReadOnlyList<int> sampleIndices, params int[] ks)
    {
        if (ks.Length == 0) ks = [1, 5, 10];
        var captionImage = new List<int>();   // gallery position of each caption's image
        var captionRows = new List<float[]>();
        for (int i = 0; i < sampleIndices.Count; i++)
            for (int j = 0; j < set.CaptionCount(sampleIndices[i]); j++)
            {
                captionImage.Add(i);
                captionRows.Add(set.Caption(sampleIndices[i], j).ToArray());
            }
        var similarity = new double[sampleIndices.Count, captionRows.Count];
        for (int i = 0; i < sampleIndices.Count; i++)
        {
            var image = set.Eval(sampleIndices[i]);
            for (int c = 0; c < captionRows.Count; c++)
            {
                double dot = 0;
                for (int d = 0; d < set.Dim; d++) dot += image[d] * captionRows[c][d];
                similarity[i, c] = dot;
            }
        }

        // An item is retrieved at k when fewer than k wrong candidates score strictly higher than its best match.
        var imageRank = new int[sampleIndices.Count];
        for (int i = 0; i < sampleIndices.Count; i++)
        {
            double best = double.NegativeInfinity;
            for (int c = 0; c < captionRows.Count; c++) if (captionImage[c] == i) best = Math.Max(best, similarity[i, c]);
            for (int c = 0; c < captionRows.Count; c++) if (captionImage[c] != i && similarity[i, c] > best) imageRank[i]++;
        }
        var textRank = new int[captionRows.Count];
        for (int c = 0; c < captionRows.Count; c++)
        {
            double own = similarity[captionImage[c], c];
            for (int i = 0; i < sampleIndices.Count; i++) if (i != captionImage[c] && similarity[i, c] > own) textRank[c]++;
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
