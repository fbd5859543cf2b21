using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;

namespace ClipMem.Memorization;

/// <summary>
/// The views an image-only measurement (UnitMem, SSLMem) feeds a tower: per sample, <paramref name="views"/> replayable
/// draws of (seed, sample, view) from <paramref name="transform"/>, and, when asked, the un-augmented eval view after
/// them. Rendered in parallel and stacked into batches sized for the tower (<see cref="InferenceBatch"/>), so two towers
/// measured on the same samples see the same pixels.
/// </summary>
/// <param name="purpose">The draws' stream name: each measurement draws its own views.</param>
public sealed class TowerViews(ImageCache images, int resolution, int views, ulong seed, AugmentationOptions transform, string purpose,
    bool withEvalView = false, Device? device = null, int batchSize = 512)
{
    // Rows per sample in a batch: the views, then the eval view if asked for.
    private int RowsPerSample => views + (withEvalView ? 1 : 0);

    /// <summary>
    /// Runs <paramref name="consume"/> on every batch, in sample order: (first sample's index, sample count, the stacked
    /// views [count * (views + the eval view if asked), 3, resolution, resolution], sample-major). The tower is put in eval mode and gradients
    /// are off for the whole pass; the tower's mode is restored after. The batch is freed when consume returns.
    /// </summary>
    public void ForEachBatch(VisionTransformer tower, IReadOnlyList<SampleId> ids, Action<int, int, Tensor> consume)
    {
        if (views < 1) throw new ArgumentOutOfRangeException(nameof(views), views, "a measurement over views needs at least one");
        var config = tower.Config;
        int rows = InferenceBatch.TransformerRows(config.GridSize * config.GridSize + 1, config.Width, config.MlpRatio, config.Heads, batchSize, device);
        int perSample = RowsPerSample, samplesPerBatch = Math.Max(1, rows / perSample);
        bool wasTraining = tower.training;
        tower.eval();
        try
        {
            using var _ = no_grad();
            for (int start = 0; start < ids.Count; start += samplesPerBatch)
            {
                int count = Math.Min(samplesPerBatch, ids.Count - start), first = start;
                var rendered = new RgbImage[count * perSample];
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
                {
                    var id = ids[first + i];
                    var source = images.Get(id);
                    for (int v = 0; v < views; v++)
                        rendered[i * perSample + v] = transform.Draw(seed, id, v, purpose).Apply(source, resolution);
                    if (withEvalView) rendered[i * perSample + views] = AugmentationOptions.Eval.Draw(seed, id, 0, "eval").Apply(source, resolution);
                });
                using var scope = NewDisposeScope();
                consume(start, count, ImageTensors.Stack(rendered, device));
            }
        }
        finally
        {
            tower.train(wasTraining);
        }
    }
}
