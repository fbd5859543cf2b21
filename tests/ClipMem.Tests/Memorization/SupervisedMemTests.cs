using ClipMem.Data;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Tests.Training;
using static TorchSharp.torch;

namespace ClipMem.Tests.Memorization;

/// <summary>Supervised memorization against hand computations and against a classifier with fixed outputs.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class SupervisedMemTests
{
    [Fact]
    public void TrueLabelProbabilityIsTheMeanOverTheSamplesLabels()
    {
        // 2 samples x 3 classes; sample 0 has labels {0, 2}, sample 1 has {1}.
        float[] p = [0.9f, 0.2f, 0.5f, 0.1f, 0.6f, 0.3f];
        var mean = SupervisedMem.TrueLabelProbability(p, 2, 3, [[0, 2], [1]]);
        Assert.Equal(0.7, mean[0], 6);
        Assert.Equal(0.6, mean[1], 6);
        var scores = SupervisedMem.Score([new SampleId("a"), new SampleId("b")], mean, [0.4, 0.8]);
        Assert.Equal(0.3, scores[0].Raw, 6);
        Assert.Equal(-0.2, scores[1].Raw, 6);
    }

    [Fact]
    public void BadInputIsRefusedSayingWhatIsWrong()
    {
        Assert.Contains("5 values, not 2 samples x 3 classes", Assert.Throws<ArgumentException>(() => SupervisedMem.TrueLabelProbability(new float[5], 2, 3, [[0], [1]])).Message);
        Assert.Contains("sample 1 has no label", Assert.Throws<ArgumentException>(() => SupervisedMem.TrueLabelProbability(new float[6], 2, 3, [[0], []])).Message);
        Assert.Contains("label index 3, outside the 3 classes", Assert.Throws<ArgumentException>(() => SupervisedMem.TrueLabelProbability(new float[6], 2, 3, [[0], [3]])).Message);
        Assert.Contains("2 samples but 1 probabilities under f", Assert.Throws<ArgumentException>(() => SupervisedMem.Score([new("a"), new("b")], [0.1], [0.1, 0.2])).Message);
    }

    /// <summary>
    /// A classifier whose head has zero weights and a fixed bias gives the same logits for every image, so its
    /// probabilities are sigmoid(bias) whatever the views: f favours class 0, g class 1.
    /// </summary>
    [Fact]
    public void AClassifierWithFixedOutputsScoresTheSigmoidOfItsBias()
    {
        var data = new TinyClipData(6);
        manual_seed(4);
        using var f = Fixed(data.Config.Vision, [2.0f, -1.0f]);
        using var g = Fixed(data.Config.Vision, [-1.0f, 2.0f]);
        var ids = data.Ids.Take(4).ToList();
        var measurement = new SupervisedMemMeasurement(data.Images, TinyClipData.Resolution, views: 3, seed: 2, AugmentationOptions.Training, batchSize: 5);
        var table = measurement.Probabilities(f, ids);
        for (int i = 0; i < ids.Count; i++)
        {
            Assert.Equal(Sigmoid(2.0), table[i * 2], 5);
            Assert.Equal(Sigmoid(-1.0), table[i * 2 + 1], 5);
        }
        // Samples labelled class 0 score sigmoid(2) - sigmoid(-1) > 0; class 1 the opposite; both labels 0.
        var scores = measurement.Score(f, g, ids, [[0], [1], [0, 1], [0]]);
        Assert.Equal(Sigmoid(2.0) - Sigmoid(-1.0), scores[0].Raw, 5);
        Assert.Equal(Sigmoid(-1.0) - Sigmoid(2.0), scores[1].Raw, 5);
        Assert.Equal(0.0, scores[2].Raw, 5);
        using var other = Fixed(data.Config.Vision, [0f, 0f, 0f]);
        Assert.Contains("f has 2 classes and g 3", Assert.Throws<ArgumentException>(() => measurement.Score(f, other, ids, [[0], [1], [0], [0]])).Message);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static SupervisedClassifier Fixed(VisionConfig vision, float[] bias)
    {
        var classifier = new SupervisedClassifier(vision, bias.Length);
        using (no_grad())
            foreach (var (name, parameter) in classifier.named_parameters())
                if (name.StartsWith("head.", StringComparison.Ordinal))
                {
                    if (name.EndsWith("bias", StringComparison.Ordinal)) parameter.copy_(tensor(bias));
                    else parameter.zero_();
                }
        return classifier;
    }
}
