using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;

namespace ClipMem.Memorization;

/// <summary>
/// Supervised memorization of a pair of classifiers trained on the leave-set-out splits (f_sl, g_sl): per sample and
/// class, the sigmoid of the classifier's logit averaged over K views of the training transform (the same draws for f
/// and g, as CLIPMem's and SSLMem's views), then <see cref="SupervisedMem"/> over the sample's true labels.
/// </summary>
public sealed class SupervisedMemMeasurement(ImageCache images, int resolution, int views, ulong seed, AugmentationOptions transform, Device? device = null,
    int batchSize = 512)
{
    public const string DrawPurpose = "supervised-mem";

    private readonly TowerViews _views = new(images, resolution, views, seed, transform, DrawPurpose, withEvalView: false, device, batchSize);

    /// <summary>Row-major [samples, classes]: per class, the sigmoid of the logit averaged over the sample's views.</summary>
    public float[] Probabilities(SupervisedClassifier classifier, IReadOnlyList<SampleId> ids)
    {
        int classes = classifier.Classes;
        var table = new float[ids.Count * classes];
        // The pass puts the tower in eval mode (and back); the linear head has no mode of its own.
        _views.ForEachBatch(classifier.Visual, ids, (start, count, batch) =>
            classifier.forward(batch).sigmoid().view(count, views, classes).mean([1]).cpu().data<float>().ToArray().CopyTo(table, start * classes));
        return table;
    }

    /// <summary>Supervised memorization of every sample: raw = p(f) - p(g) over its true labels (class indices).</summary>
    public IReadOnlyList<SupervisedMemScore> Score(SupervisedClassifier f, SupervisedClassifier g, IReadOnlyList<SampleId> ids, IReadOnlyList<IReadOnlyList<int>> labels)
    {
        if (f.Classes != g.Classes) throw new ArgumentException($"f has {f.Classes} classes and g {g.Classes}: they must share the label set.");
        return SupervisedMem.Score(ids,
            SupervisedMem.TrueLabelProbability(Probabilities(f, ids), ids.Count, f.Classes, labels),
            SupervisedMem.TrueLabelProbability(Probabilities(g, ids), ids.Count, g.Classes, labels));
    }
}
