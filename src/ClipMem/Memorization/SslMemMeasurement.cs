using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;

namespace ClipMem.Memorization;

/// <summary>
/// SSLMem of a pair of image towers trained on the leave-set-out splits (DINO's f_ssl and g_ssl; any paradigm's ViT):
/// each tower's pooled class-token feature (before projection or head) of the un-augmented image and of K augmented
/// views drawn from the SSL training's transform, the same draws for f and g, turned into <see cref="SslMem"/> scores.
/// </summary>
public sealed class SslMemMeasurement(ImageCache images, int resolution, int views, ulong seed, AugmentationOptions transform, Device? device = null,
    int batchSize = 512)
{
    public const string DrawPurpose = "sslmem";

    private readonly TowerViews _views = new(images, resolution, views, seed, transform, DrawPurpose, withEvalView: true, device, batchSize);

    /// <summary>Per sample, d(tower, x): the mean distance between its normalised image feature and its K normalised view features.</summary>
    public double[] Distances(VisionTransformer tower, IReadOnlyList<SampleId> ids)
    {
        int dim = tower.Config.Width, n = ids.Count;
        var anchors = new float[n * dim];
        var viewFeatures = new float[n * views * dim];
        _views.ForEachBatch(tower, ids, (start, count, batch) =>
        {
            var features = tower.ForwardFeatures(batch).view(count, views + 1, dim);
            features.narrow(1, 0, views).contiguous().cpu().data<float>().ToArray().CopyTo(viewFeatures, start * views * dim);
            features.select(1, views).contiguous().cpu().data<float>().ToArray().CopyTo(anchors, start * dim);
        });
        return SslMem.AlignmentDistances(anchors, viewFeatures, n, views, dim);
    }

    /// <summary>SSLMem of every sample: raw = d(g) - d(f), both measured on the same views.</summary>
    public IReadOnlyList<SslMemScore> Score(VisionTransformer f, VisionTransformer g, IReadOnlyList<SampleId> ids) =>
        SslMem.Score(ids, Distances(f, ids), Distances(g, ids));
}
