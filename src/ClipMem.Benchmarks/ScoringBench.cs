using System.Diagnostics;
using ClipMem.Data;
using ClipMem.Memorization;
using ClipMem.Models;

namespace ClipMem.Benchmarks;

/// <summary>
/// CLIPMem's inference cost: ClipEmbedder over the same samples with f and with g (K scoring views and
/// the eval view per image, every caption), in one pass as the experiment calls it (each view rendered
/// once, read by both models). Images are decoded before the clock starts: decoding is the pipeline's
/// cost, measured there.
/// </summary>
public sealed class ScoringBench(ClipConfig config, BenchDataset data, int samples, int views, ulong seed)
{
    /// <summary>Where the last measurement's time went: view rendering, stacking, image towers, text towers.</summary>
    public EmbeddingTimings? LastTimings { get; private set; }

    /// <summary>Image views encoded per second, counted per model (f and g each encode every view).</summary>
    public double ViewsPerSecondPerModel(ClipModel f, ClipModel g)
    {
        var cache = new ImageCache(data.Dataset, config.Vision.ImageSize);
        var ids = data.Dataset.Take(samples).Select(s => s.Id).ToList();
        foreach (var id in ids) cache.Get(id);
        var text = TrainingStepBench.Pipeline(config, data, cache, seed);
        var embedder = new ClipEmbedder(cache, text, config.Vision.ImageSize, views, seed);
        var clock = Stopwatch.StartNew();
        embedder.Embed([(f, "bench-f"), (g, "bench-g")], ids);
        double seconds = clock.Elapsed.TotalSeconds;
        LastTimings = embedder.LastTimings;
        // The embedder switches the models to eval mode; the same models train in the next run.
        f.train();
        g.train();
        return 2.0 * ids.Count * (views + 1) / seconds;
    }
}
