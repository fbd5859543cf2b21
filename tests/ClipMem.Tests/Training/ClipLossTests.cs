using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests.Training;

public class ClipLossTests
{
    private const double Scale = 2.0;

    // Three unit vectors per tower in 2-D (3-4-5 and 5-12-13 triangles keep them exactly normalised).
    private static readonly double[][] Images = [[1, 0], [0.6, 0.8], [0, 1]];
    private static readonly double[][] Texts = [[0.8, 0.6], [0, 1], [-0.6, 0.8]];

    public ClipLossTests() => torch.set_num_threads(1);

    private static Tensor AsTensor(double[][] rows) =>
        tensor(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), [rows.Length, rows[0].Length]);

    // Hand arithmetic: logits[i, j] = scale * <image_i, text_j>; per pair i the loss is the mean of the
    // cross-entropy of row i (image -> texts) and of column i (text -> images) against index i.
    private static double[] HandPerSample()
    {
        int n = Images.Length;
        var logits = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                logits[i, j] = Scale * (Images[i][0] * Texts[j][0] + Images[i][1] * Texts[j][1]);
        var perSample = new double[n];
        for (int i = 0; i < n; i++)
        {
            double rowSum = 0, columnSum = 0;
            for (int j = 0; j < n; j++)
            {
                rowSum += Math.Exp(logits[i, j]);
                columnSum += Math.Exp(logits[j, i]);
            }
            double rowCrossEntropy = -(logits[i, i] - Math.Log(rowSum));
            double columnCrossEntropy = -(logits[i, i] - Math.Log(columnSum));
            perSample[i] = (rowCrossEntropy + columnCrossEntropy) / 2;
        }
        return perSample;
    }

    [Fact]
    public void MeanLossEqualsHandComputedSymmetricCrossEntropy()
    {
        using var images = AsTensor(Images);
        using var texts = AsTensor(Texts);
        using var scale = tensor((float)Scale);
        using var loss = ClipLoss.Mean(images, texts, scale);
        Assert.Equal(HandPerSample().Average(), loss.item<float>(), 5);
    }

    [Fact]
    public void PerSampleLossesMatchHandValuesAndAverageToTheBatchLoss()
    {
        using var images = AsTensor(Images);
        using var texts = AsTensor(Texts);
        using var scale = tensor((float)Scale);
        using var perSample = ClipLoss.PerSample(images, texts, scale);
        using var mean = ClipLoss.Mean(images, texts, scale);
        var values = perSample.data<float>().ToArray();
        var expected = HandPerSample();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 5);
        Assert.Equal(mean.item<float>(), values.Select(v => (double)v).Average(), 6);
    }

    [Fact]
    public void SwappingImageAndTextEmbeddingsLeavesTheMeanLossUnchanged()
    {
        using var images = AsTensor(Images);
        using var texts = AsTensor(Texts);
        using var scale = tensor((float)Scale);
        using var forward = ClipLoss.Mean(images, texts, scale);
        using var swapped = ClipLoss.Mean(texts, images, scale);
        Assert.Equal(forward.item<float>(), swapped.item<float>(), 6);
    }

    [Fact]
    public void MismatchedBatchSizesThrow()
    {
        using var images = AsTensor(Images);
        using var texts = AsTensor(Texts.Take(2).ToArray());
        using var scale = tensor((float)Scale);
        Assert.Throws<ArgumentException>(() => ClipLoss.Mean(images, texts, scale).Dispose());
        Assert.Throws<ArgumentException>(() => ClipLoss.PerSample(images, texts, scale).Dispose());
    }
}
