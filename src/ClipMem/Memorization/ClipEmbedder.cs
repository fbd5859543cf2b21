using ClipMem.Data;
using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Memorization;

/// <summary>
/// Batched inference of one CLIP model over a set of samples: K scoring views per image (drawn from the
/// run seed, identical for f and g), the eval view, and all captions. No per-sample round trips: views
/// are stacked into large batches and embedded under no_grad.
/// </summary>
/// <param name="scoringViews">The transform the K views are drawn from: the run's training transform without flips (a flip would change the caption).</param>
public sealed class ClipEmbedder(ImageCache images, ClipDataPipeline text, int resolution, int views, ulong seed, Device? device = null, int batchSize = 512,
    AugmentationOptions? scoringViews = null)
{
    private AugmentationOptions ViewTransform { get; } = scoringViews ?? AugmentationOptions.ScoringViews;

    public EmbeddingSet Embed(ClipModel model, IReadOnlyList<SampleId> ids, string provenance) =>
        Embed([(model, provenance)], ids)[0];

    /// <summary>
    /// Embeds the samples with several models in one pass: each batch of views is rendered and each batch of
    /// captions tokenized once, then read by every model (f and g see exactly the same tensors).
    /// </summary>
    public IReadOnlyList<EmbeddingSet> Embed(IReadOnlyList<(ClipModel Model, string Provenance)> models, IReadOnlyList<SampleId> ids)
    {
        if (models.Count == 0) return [];
        int dim = models[0].Model.Config.EmbedDim, n = ids.Count;
        if (models.Any(m => m.Model.Config.EmbedDim != dim)) throw new ArgumentException("Models embedded together must share the embedding width.");
        foreach (var (model, _) in models) model.eval();
        var meanView = models.Select(_ => new float[n * dim]).ToArray();
        var eval = models.Select(_ => new float[n * dim]).ToArray();
        using var _ = no_grad();

        // Image views: sample-major rows (sample i, view k), K scoring views followed by the eval view.
        int perSample = views + 1;
        int samplesPerBatch = Math.Max(1, batchSize / perSample);
        for (int start = 0; start < n; start += samplesPerBatch)
        {
            int count = Math.Min(samplesPerBatch, n - start);
            var rendered = new RgbImage[count * perSample];
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                var id = ids[start + i];
                var source = images.Get(id);
                for (int k = 0; k < views; k++)
                    rendered[i * perSample + k] = ViewTransform.Draw(seed, id, k, "score").Apply(source, resolution);
                rendered[i * perSample + views] = AugmentationOptions.Eval.Draw(seed, id, 0, "eval").Apply(source, resolution);
            });
            using var scope = NewDisposeScope();
            var batch = ImageTensors.Stack(rendered, device);
            for (int m = 0; m < models.Count; m++)
            {
                var embedded = models[m].Model.EncodeImage(batch).view(count, perSample, dim);
                embedded.narrow(1, 0, views).mean([1]).cpu().data<float>().ToArray().CopyTo(meanView[m], start * dim);
                embedded.select(1, views).cpu().data<float>().ToArray().CopyTo(eval[m], start * dim);
            }
        }

        var offsets = new int[n + 1];
        var allCaptions = new List<string>();
        for (int i = 0; i < n; i++)
        {
            var captions = images.Dataset[ids[i]].Captions;
            offsets[i + 1] = offsets[i] + captions.Count;
            allCaptions.AddRange(captions);
        }
        var captionEmbeddings = models.Select(_ => new float[allCaptions.Count * dim]).ToArray();
        for (int start = 0; start < allCaptions.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, allCaptions.Count - start);
            using var scope = NewDisposeScope();
            var (tokens, ends) = text.EncodeCaptions(allCaptions.GetRange(start, count));
            for (int m = 0; m < models.Count; m++)
                models[m].Model.EncodeText(tokens, ends).cpu().data<float>().ToArray().CopyTo(captionEmbeddings[m], start * dim);
        }
        return models.Select((m, k) => new EmbeddingSet(ids, dim, meanView[k], eval[k], captionEmbeddings[k], offsets, m.Provenance)).ToList();
    }
}
