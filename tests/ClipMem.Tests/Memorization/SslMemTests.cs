using ClipMem.Data;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Tests.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Tests.Memorization;

/// <summary>SSLMem against hand-computed distances, and the measured distances against a one-view-at-a-time torch loop.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class SslMemTests
{
    [Fact]
    public void DistancesMatchAHandComputationAndIgnoreTheFeaturesScale()
    {
        // Sample 0: anchor (3, 4) -> (0.6, 0.8); views (0, 5) -> (0, 1) at sqrt(0.4), and (6, 8) -> itself at 0.
        // Sample 1: anchor (1, 0); views (-1, 0) at 2 and (0, 1) at sqrt(2).
        float[] anchors = [3, 4, 1, 0];
        float[] views = [0, 5, 6, 8, -1, 0, 0, 1];
        var d = SslMem.AlignmentDistances(anchors, views, samples: 2, viewsPerSample: 2, dim: 2);
        Assert.Equal(Math.Sqrt(0.4) / 2, d[0], 6);
        Assert.Equal((2 + Math.Sqrt(2)) / 2, d[1], 6);
        var scaled = SslMem.AlignmentDistances(anchors.Select(x => 10 * x).ToArray(), views.Select(x => 0.5f * x).ToArray(), 2, 2, 2);
        Assert.Equal(d[0], scaled[0], 6);
        Assert.Equal(d[1], scaled[1], 6);
    }

    [Fact]
    public void RawIsTheDistanceUnderGMinusTheDistanceUnderF()
    {
        var ids = new[] { new SampleId("a"), new SampleId("b") };
        var scores = SslMem.Score(ids, [0.1, 0.5], [0.4, 0.2]);
        Assert.Equal(0.3, scores[0].Raw, 12);
        Assert.Equal(-0.3, scores[1].Raw, 12);
        Assert.Equal(ids, scores.Select(s => s.Id));
    }

    [Fact]
    public void BadInputIsRefusedSayingWhatIsWrong()
    {
        Assert.Contains("3 values, not 2 samples x 2 dims", Assert.Throws<ArgumentException>(() => SslMem.AlignmentDistances(new float[3], new float[8], 2, 2, 2)).Message);
        Assert.Contains("7 values, not 2 samples x 2 views x 2 dims", Assert.Throws<ArgumentException>(() => SslMem.AlignmentDistances(new float[4], new float[7], 2, 2, 2)).Message);
        Assert.Contains("at least one view", Assert.Throws<ArgumentException>(() => SslMem.AlignmentDistances(new float[4], [], 2, 0, 2)).Message);
        Assert.Contains("2 samples but 1 distances under f", Assert.Throws<ArgumentException>(() => SslMem.Score([new("a"), new("b")], [0.1], [0.1, 0.2])).Message);
    }

    [Fact]
    public void MeasuredDistancesEqualAOneViewAtATimeLoopAndOneTowerScoresZero()
    {
        var data = new TinyClipData(10);
        manual_seed(21);
        using var f = new ClipModel(data.Config);
        using var g = new ClipModel(data.Config);
        var ids = data.Ids.Take(5).ToList();
        const int views = 3;
        const ulong seed = 8;
        var transform = AugmentationOptions.Training;
        var measurement = new SslMemMeasurement(data.Images, TinyClipData.Resolution, views, seed, transform, batchSize: 8);
        var distances = measurement.Distances(f.Visual, ids);

        f.Visual.eval();
        using (no_grad())
            for (int i = 0; i < ids.Count; i++)
            {
                using var scope = NewDisposeScope();
                var source = data.Images.Get(ids[i]);
                var anchor = functional.normalize(f.Visual.ForwardFeatures(ImageTensors.Stack([AugmentationOptions.Eval.Draw(seed, ids[i], 0, "eval").Apply(source, TinyClipData.Resolution)])), dim: -1);
                double sum = 0;
                for (int v = 0; v < views; v++)
                {
                    var view = transform.Draw(seed, ids[i], v, SslMemMeasurement.DrawPurpose).Apply(source, TinyClipData.Resolution);
                    var feature = functional.normalize(f.Visual.ForwardFeatures(ImageTensors.Stack([view])), dim: -1);
                    sum += anchor.sub(feature).norm().item<float>();
                }
                Assert.True(Math.Abs(distances[i] - sum / views) < 1e-5, $"sample {i}: batched {distances[i]}, one view at a time {sum / views}");
            }

        // The same tower as f and as g: every raw score is exactly zero. Two towers: not.
        Assert.All(measurement.Score(f.Visual, f.Visual, ids), s => Assert.Equal(0.0, s.Raw));
        Assert.Contains(measurement.Score(f.Visual, g.Visual, ids), s => s.Raw != 0);
    }
}
