using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;

namespace ClipMem.Memorization;

/// <summary>
/// The activation tables UnitMem reads, for any paradigm's image tower (CLIP, DINO, supervised, BLIP share the
/// <see cref="VisionTransformer"/>): for each sample k and each block's MLP hidden unit u, mu_k(u) = the unit's
/// GELU output averaged over the tokens of a view and over <paramref name="views"/> augmented views of the image
/// (PAPER.md: 10). The views are replayable draws of (seed, sample, view), so two towers measured on the same
/// samples see the same pixels.
/// </summary>
/// <param name="transform">The augmentations the views are drawn from (the run's training transform, as the authors do).</param>
public sealed class UnitMemMeasurement(ImageCache images, int resolution, int views, ulong seed, AugmentationOptions transform, Device? device = null,
    int batchSize = 512)
{
    public const string DrawPurpose = "unitmem";

    private readonly TowerViews _views = new(images, resolution, views, seed, transform, DrawPurpose, withEvalView: false, device, batchSize);

    /// <summary>Per block, the row-major [samples, hidden units] table of mu_k(u).</summary>
    public IReadOnlyList<float[]> Activations(VisionTransformer tower, IReadOnlyList<SampleId> ids)
    {
        var blocks = tower.Blocks;
        var tables = blocks.Select(b => new float[ids.Count * b.HiddenUnits]).ToArray();
        _views.ForEachBatch(tower, ids, (start, count, batch) =>
        {
            var (output, perBlock) = tower.ForwardWithActivations(batch);
            output.Dispose();
            for (int b = 0; b < blocks.Count; b++)
            {
                // [count * views, hidden] (already averaged over tokens) -> the mean over each sample's views.
                using var activations = perBlock[b];
                int hidden = blocks[b].HiddenUnits;
                using var mean = activations.view(count, views, hidden).mean([1]).cpu();
                mean.data<float>().ToArray().CopyTo(tables[b], start * hidden);
            }
        });
        return tables;
    }

    /// <summary>UnitMem of every block from the measured tables (one pass serves both rest statistics).</summary>
    public static IReadOnlyList<UnitMemLayer> Layers(IReadOnlyList<float[]> tables, VisionTransformer tower, int samples, UnitMemRest rest) =>
        tables.Select((table, b) => UnitMem.Layer(b, table, samples, tower.Blocks[b].HiddenUnits, rest)).ToList();
}
