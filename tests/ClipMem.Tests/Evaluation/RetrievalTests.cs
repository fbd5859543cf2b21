using ClipMem.Data;
using ClipMem.Evaluation;
using ClipMem.Memorization;

namespace ClipMem.Tests.Evaluation;

public class RetrievalTests
{
    private static float[] Unit(params double[] v)
    {
        double n = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => (float)(x / n)).ToArray();
    }

    /// <summary>
    /// Images on the axes e1, e2, e3 (and a decoy image 3 on e3 that is left out of the gallery).
    /// Captions: image 0: e1, (1, .5, 0); image 1: e2, (0, 1, .9); image 2: twice (.8, 0, .6); decoy: e3.
    /// Cosines worked out by hand:
    ///   image 0 -> own best 1; image 2's captions score .8 &lt; 1                  -> rank 0
    ///   image 1 -> own best 1                                                     -> rank 0
    ///   image 2 -> own best .6; image 1's second caption scores .9/sqrt(1.81) = .669 -> rank 1
    ///   caption e1 -> own image 1, others 0                                       -> rank 0
    ///   caption (1, .5, 0) -> own .894, image 1 .447                              -> rank 0
    ///   caption e2 -> rank 0; caption (0, 1, .9) -> own .743, image 2 .669          -> rank 0
    ///   captions of image 2 -> own .6, image 0 .8                                 -> rank 1 each
    /// </summary>
    private static EmbeddingSet Gallery()
    {
        SampleId[] ids = ["img0", "img1", "img2", "decoy"];
        float[][] images = [Unit(1, 0, 0), Unit(0, 1, 0), Unit(0, 0, 1), Unit(0, 0, 1)];
        float[][][] captions =
        [
            [Unit(1, 0, 0), Unit(1, 0.5, 0)],
            [Unit(0, 1, 0), Unit(0, 1, 0.9)],
            [Unit(0.8, 0, 0.6), Unit(0.8, 0, 0.6)],
            [Unit(0, 0, 1)],
        ];
        var offsets = new int[ids.Length + 1];
        for (int i = 0; i < ids.Length; i++) offsets[i + 1] = offsets[i] + captions[i].Length;
        var flatImages = images.SelectMany(v => v).ToArray();
        return new EmbeddingSet(ids, 3, flatImages, flatImages, captions.SelectMany(c => c.SelectMany(v => v)).ToArray(), offsets, "hand");
    }

    [Fact]
    public void RecallAtKMatchesTheHandWorkedGallery()
    {
        var recall = Retrieval.RecallAtK(Gallery(), [0, 1, 2], 1, 2);
        Assert.Equal(2.0 / 3.0, recall["image_to_text_R@1"], 12);
        Assert.Equal(1.0, recall["image_to_text_R@2"], 12);
        Assert.Equal(4.0 / 6.0, recall["text_to_image_R@1"], 12);
        Assert.Equal(1.0, recall["text_to_image_R@2"], 12);
        Assert.Equal(4, recall.Count);
    }

    [Fact]
    public void OnlyTheGivenSamplesFormTheGallery()
    {
        // With the decoy in the gallery its caption e3 (cosine 1) also beats image 2's own captions (.6), so
        // image 2 drops to rank 2; the decoy itself finds its caption first.
        var withDecoy = Retrieval.RecallAtK(Gallery(), [0, 1, 2, 3], 1, 2);
        Assert.Equal(3.0 / 4.0, withDecoy["image_to_text_R@1"], 12); // images 0, 1 and the decoy (own caption 1)
        Assert.Equal(3.0 / 4.0, withDecoy["image_to_text_R@2"], 12); // image 2 has two better wrong captions
    }

    [Fact]
    public void DefaultsToRecallAtOneFiveAndTen()
    {
        var recall = Retrieval.RecallAtK(Gallery(), [0, 1, 2]);
        Assert.Equal(
            new[] { "image_to_text_R@1", "image_to_text_R@10", "image_to_text_R@5", "text_to_image_R@1", "text_to_image_R@10", "text_to_image_R@5" },
            recall.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1.0, recall["text_to_image_R@5"], 12);
    }
}
