using System.Diagnostics;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Memorization;

/// <summary>
/// Batched inference of one CLIP model over a set of samples: K scoring views per image (drawn from the
/// run seed, identical for f and g), the eval view, and all captions. No per-sample round trips: views
/// are stacked into batches as large as the CPU allocator serves well (<see cref="InferenceBatch"/>) and
/// embedded under no_grad.
/// </summary>
/// <param name="scoringViews">The transform the K views are drawn from: the run's training transform without flips (a flip would change the caption).</param>
public sealed class ClipEmbedder(ImageCache images, ClipDataPipeline text, int resolution, int views, ulong seed, Device? device = null, int batchSize = 512,
    AugmentationOptions? scoringViews = null)
{
    private AugmentationOptions ViewTransform { get; } = scoringViews ?? AugmentationOptions.ScoringViews;

    /// <summary>Where the last <see cref="Embed(IReadOnlyList{ValueTuple{ClipModel, string}}, IReadOnlyList{SampleId})"/> spent its time.</summary>
    public EmbeddingTimings LastTimings { get; private set; } = new(0, 0, 0, 0);

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
        var (vision, textConfig) = (models[0].Model.Config.Vision, models[0].Model.Config.Text);
        int visionTokens = vision.GridSize * vision.GridSize + 1;
        int viewsPerBatch = InferenceBatch.TransformerRows(visionTokens, vision.Width, vision.MlpRatio, vision.Heads, batchSize, device);
        int samplesPerBatch = Math.Max(1, viewsPerBatch / perSample);
        var (render, stack, imageForward, textForward) = (new Stopwatch(), new Stopwatch(), new Stopwatch(), new Stopwatch());
        for (int start = 0; start < n; start += samplesPerBatch)
        {
            render.Start();
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
            render.Stop();
            stack.Start();
            using var scope = NewDisposeScope();
            var batch = ImageTensors.Stack(rendered, device);
            stack.Stop();
            imageForward.Start();
            for (int m = 0; m < models.Count; m++)
            {
                var embedded = models[m].Model.EncodeImage(batch).view(count, perSample, dim);
                embedded.narrow(1, 0, views).mean([1]).cpu().data<float>().ToArray().CopyTo(meanView[m], start * dim);
                embedded.select(1, views).cpu().data<float>().ToArray().CopyTo(eval[m], start * dim);
            }
            imageForward.Stop();
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
        int captionsPerBatch = InferenceBatch.TransformerRows(textConfig.ContextLength, textConfig.Width, textConfig.MlpRatio, textConfig.Heads, batchSize, device);
        textForward.Start();
        for (int start = 0; start < allCaptions.Count; start += captionsPerBatch)
        {
            int count = Math.Min(captionsPerBatch, allCaptions.Count - start);
            using var scope = NewDisposeScope();
            var (tokens, ends) = text.EncodeCaptions(allCaptions.GetRange(start, count));
            for (int m = 0; m < models.Count; m++)
                models[m].Model.EncodeText(tokens, ends).cpu().data<float>().ToArray().CopyTo(captionEmbeddings[m], start * dim);
        }
        textForward.Stop();
        LastTimings = new EmbeddingTimings(render.Elapsed.TotalSeconds, stack.Elapsed.TotalSeconds, imageForward.Elapsed.TotalSeconds, textForward.Elapsed.TotalSeconds);
        return models.Select((m, k) => new EmbeddingSet(ids, dim, meanView[k], eval[k], captionEmbeddings[k], offsets, m.Provenance)).ToList();
    }
}

/// <summary>Seconds an embedding pass spent rendering the views (C#), stacking them into a tensor, in the image towers and in the text towers (tokenizing included).</summary>
public sealed record EmbeddingTimings(double RenderSeconds, double StackSeconds, double ImageForwardSeconds, double TextSeconds)
{
    public double TotalSeconds => RenderSeconds + StackSeconds + ImageForwardSeconds + TextSeconds;
}
