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
public sealed class ClipEmbedder(ImageCache images, ClipDataPipeline text, int resolution, int views, ulong seed, Device? device = null, int batchSize = 512)
{
    public EmbeddingSet Embed(ClipModel model, IReadOnlyList<SampleId> ids, string provenance)
    {
        model.eval();
        int dim = model.Config.EmbedDim, n = ids.Count;
        var meanView = new float[n * dim];
        var eval = new float[n * dim];
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
                    rendered[i * perSample + k] = AugmentationOptions.ScoringViews.Draw(seed, id, k, "score").Apply(source, resolution);
                rendered[i * perSample + views] = AugmentationOptions.Eval.Draw(seed, id, 0, "eval").Apply(source, resolution);
            });
            using var scope = NewDisposeScope();
            var batch = ImageTensors.Stack(rendered, device);
            var embedded = model.EncodeImage(batch).view(count, perSample, dim);
            var viewMean = embedded.narrow(1, 0, views).mean([1]).cpu().data<float>().ToArray();
            var plain = embedded.select(1, views).cpu().data<float>().ToArray();
            viewMean.CopyTo(meanView, start * dim);
            plain.CopyTo(eval, start * dim);
        }

        var offsets = new int[n + 1];
        var allCaptions = new List<string>();
        for (int i = 0; i < n; i++)
        {
            var captions = images.Dataset[ids[i]].Captions;
            offsets[i + 1] = offsets[i] + captions.Count;
            allCaptions.AddRange(captions);
        }
        var captionEmbeddings = new float[allCaptions.Count * dim];
        for (int start = 0; start < allCaptions.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, allCaptions.Count - start);
            using var scope = NewDisposeScope();
            var (tokens, ends) = text.EncodeCaptions(allCaptions.GetRange(start, count));
            model.EncodeText(tokens, ends).cpu().data<float>().ToArray().CopyTo(captionEmbeddings, start * dim);
        }
        return new EmbeddingSet(ids, dim, meanView, eval, captionEmbeddings, offsets, provenance);
    }
}
