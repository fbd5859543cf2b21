using System.Diagnostics;
using ClipMem.Common;
using ClipMem.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Benchmarks;

/// <summary>One ensemble size at one thread count: M models' blocks one after another, and the same M stacked.</summary>
public sealed record EnsembleFigure(int Models, int Threads, double SequentialModelStepsPerSecond, double StackedModelStepsPerSecond)
{
    public double Speedup => StackedModelStepsPerSecond / SequentialModelStepsPerSecond;
}

/// <summary>
/// Would training several small models in one forward pass pay (issue 12's stacked-weights ensemble)? At the quick
/// model's shapes (width 64, 4 heads, 2 blocks per tower, batch 128; 17 image tokens, 24 text tokens after trimming)
/// it times forward and backward of every transformer block of M models, first as M separate
/// <see cref="TransformerBlock"/>s one after another (what M one-model processes do on one core each, in turn), then
/// as <see cref="StackedBlocks"/> (one batched product per layer for all M). The blocks are most of a quick step
/// (embeddings, projections, loss and the optimiser are left out of both). Figures are model steps per second, the
/// median of the rounds; the sequential run in the same process is the peer.
/// </summary>
public static class EnsembleBench
{
    public const int Width = 64, Heads = 4, Layers = 2, Batch = 128, ImageTokens = 17, TextTokens = 24;

    public static IReadOnlyList<EnsembleFigure> Measure(IReadOnlyList<int> modelCounts, IReadOnlyList<int> threadCounts, int steps, int rounds, TextWriter log)
    {
        var figures = new List<EnsembleFigure>();
        int restore = get_num_threads();
        try
        {
            foreach (int threads in threadCounts)
            foreach (int models in modelCounts)
            {
                set_num_threads(threads);
                manual_seed(models);
                var towers = new[] { (Tokens: ImageTokens, Causal: false), (Tokens: TextTokens, Causal: true) };
                var blocks = towers.Select(t => Enumerable.Range(0, Layers).Select(l => Enumerable.Range(0, models)
                    .Select(m => new TransformerBlock($"block{m}", Width, Heads, 4.0, t.Causal)).ToList()).ToList()).ToList();
                var stacked = towers.Select((t, k) => blocks[k].Select(layer => new StackedBlocks(layer, Heads, t.Causal)).ToList()).ToList();
                var inputs = towers.Select(t => randn(models, Batch, t.Tokens, Width)).ToList();
                var sequential = new List<double>();
                var together = new List<double>();
                for (int round = 0; round < rounds + 1; round++)
                {
                    // Interleaved, so a slow spell of the machine falls on both; the first round warms up and is dropped.
                    double a = Time(steps, () =>
                    {
                        for (int k = 0; k < towers.Length; k++)
                        for (int m = 0; m < models; m++)
                        {
                            using var scope = NewDisposeScope();
                            var x = inputs[k][m];
                            foreach (var layer in blocks[k]) x = layer[m].forward(x);
                            x.mul(x).mean().backward();
                        }
                    });
                    double b = Time(steps, () =>
                    {
                        for (int k = 0; k < towers.Length; k++)
                        {
                            using var scope = NewDisposeScope();
                            var x = inputs[k];
                            foreach (var layer in stacked[k]) x = layer.Forward(x);
                            // The mean over all M models scaled by M: each model's gradient is that of its own mean.
                            using var count = ((double)models).ToScalar();
                            x.mul(x).mean().mul(count).backward();
                        }
                    });
                    if (round == 0) continue;
                    sequential.Add(models * steps / a);
                    together.Add(models * steps / b);
                }
                var figure = new EnsembleFigure(models, threads, BenchStatistics.Median(sequential), BenchStatistics.Median(together));
                log.WriteLine($"ensemble: {models} model(s), {threads} thread(s): one after another {figure.SequentialModelStepsPerSecond:F1} model steps/s, " +
                              $"stacked {figure.StackedModelStepsPerSecond:F1} ({figure.Speedup:F2}x)");
                figures.Add(figure);
                foreach (var t in inputs) t.Dispose();
                foreach (var s in stacked.SelectMany(l => l)) s.Dispose();
                foreach (var b in blocks.SelectMany(l => l).SelectMany(l => l)) b.Dispose();
            }
        }
        finally
        {
            set_num_threads(restore);
        }
        return figures;
    }

    private static double Time(int steps, Action step)
    {
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++) step();
        return clock.Elapsed.TotalSeconds;
    }
}
