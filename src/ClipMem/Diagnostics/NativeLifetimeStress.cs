using System.Diagnostics;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Text;
using ClipMem.Experiments;
using ClipMem.Experiments.Paradigms;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using ClipMem.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Diagnostics;

/// <summary>
/// The reproducer of the main job's crashes, kept as a stress test. It runs the workbench's own hot paths
/// (the trainer with its batch-prefetch thread, and the scoring embedder) on the tiny preset while a third
/// thread forces garbage collections and runs finalizers back to back.
/// <para>
/// Why this finds the bug: TorchSharp's Tensor and Scalar wrappers hold a raw native pointer and free it in
/// their finalizer. When a method passes <c>x.Handle</c> to native code, the optimising JIT treats <c>x</c>
/// as dead from that point, so a collection on another thread can finalize the wrapper, and free the native
/// object, while libtorch is still reading it. Temporaries nobody disposes are exposed: an implicit
/// conversion to Scalar (<c>t.mul(2.0)</c>, TorchSharp's own <c>square()</c> = <c>pow(2)</c>) and a chained
/// tensor temporary outside any dispose scope (<c>t.narrow(...).contiguous()</c> on the prefetch thread).
/// The first gives libtorch's "Expected false to be true" assert in c10::Scalar, the second a silent
/// segfault through a freed TensorImpl's vtable: the two crashes seen in the field. Forcing collections
/// turns a crash in a few runs into one within seconds; glibc's MALLOC_PERTURB_ (set by the caller) makes
/// freed memory garbage at once, so a use after free cannot pass by luck.
/// </para>
/// </summary>
public static class NativeLifetimeStress
{
    public sealed record Result(int TrainingSteps, int Batches, int EmbeddingPasses, int ForcedCollections, double Seconds);

    /// <summary>Runs until <paramref name="duration"/> has passed; a use-after-free crashes the process.</summary>
    /// <param name="control">
    /// Also run, on the same two threads, the two patterns the workbench used before the fix (TorchSharp's
    /// <c>square()</c> in the loss, an unscoped <c>narrow(...).contiguous()</c> while building a batch). This is
    /// the positive control: it must crash within seconds, or the stress has lost its power to find the bug.
    /// </param>
    public static Result Run(TimeSpan duration, TextWriter log, bool control = false)
    {
        torch.set_num_threads(1);
        var config = ExperimentPreset.Tiny;
        var data = ExperimentData.Build(config, TextWriter.Null);
        var members = data.Plan.MembershipOfF;
        var tokenizer = BpeTrainer.Train(members.SelectMany(id => data.Effective[id].Captions), config.Model.VocabularySize);
        var images = new ImageCache(data.Effective, config.Data.Resolution);
        var pipeline = new ClipDataPipeline(images, members, tokenizer, 32, config.Data.Resolution, AugmentationOptions.Training, config.Seed);
        using var model = new ClipModel(ClipParadigm.ModelConfig(config, tokenizer.VocabularySize));

        var clock = Stopwatch.StartNew();
        int collections = 0, steps = 0, batches = 0, passes = 0;
        using var stop = new CancellationTokenSource();
        var threads = new List<Thread>
        {
            Worker("gc-hammer", () =>
            {
                // Gen-0 collections are enough (the temporaries are young) and cost far less than full ones.
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
                collections++;
            }),
            // The prefetch thread's work, built the way the trainer builds it.
            Worker("batch-prefetch", () =>
            {
                using var batch = ScopedBatch.Build(() => pipeline.TrainingBatch(SmallBatch(batches), batches));
                if (control) OldPatterns.UnscopedTemporaryView(batch.Tokens);
                batches++;
            }),
        };
        var task = new ClipTrainingTask(model, pipeline, config.Seed, textNoiseSigma: 0.1);
        var probe = data.Plan.Members(Split.Extra).Take(8).ToList();
        using (var fixedBatch = ScopedBatch.Build(() => pipeline.TrainingBatch(SmallBatch(0), 0)))
        {
            while (clock.Elapsed < duration)
            {
                // The training thread's work: forward, loss and backward in a dispose scope, as the trainer does.
                using (torch.NewDisposeScope())
                {
                    var losses = task.Losses(fixedBatch, steps);
                    losses.Values.Aggregate((a, b) => a.add(b, TorchScalars.One)).backward();
                    if (control) OldPatterns.TemporaryScalar(fixedBatch.Images);
                }
                task.AfterStep(steps);
                if (++steps % 200 == 0)
                {
                    // Scoring: the embedder's batched inference.
                    new ClipEmbedder(images, pipeline, config.Data.Resolution, views: 2, config.Seed).Embed(model, probe, "stress");
                    passes++;
                }
                if (steps % 2000 == 0)
                    log.WriteLine($"{steps} steps, {batches} batches, {passes} embedding passes, {collections} forced collections, {clock.Elapsed.TotalSeconds:F0} s");
            }
        }
        stop.Cancel();
        threads.ForEach(t => t.Join());
        return new Result(steps, batches, passes, collections, clock.Elapsed.TotalSeconds);

        Thread Worker(string name, Action body)
        {
            var thread = new Thread(() => { while (!stop.IsCancellationRequested) body(); }) { IsBackground = true, Name = name };
            thread.Start();
            return thread;
        }

        // Four samples: small batches make the native calls short and many, which is what a race needs.
        IReadOnlyList<int> SmallBatch(int k) => Enumerable.Range(0, 4).Select(i => (k * 4 + i) % members.Count).ToArray();
    }

    /// <summary>The two patterns that crashed the main job, kept only as the stress's positive control.</summary>
    public static class OldPatterns
    {
#pragma warning disable RS0030 // the banned calls, on purpose
        /// <summary>TorchSharp's square() is pow(2): a Scalar that only its native handle keeps in use (ClipTrainingTask's old text RMS).</summary>
        public static void TemporaryScalar(Tensor images)
        {
            using var squared = images.square();
        }
#pragma warning restore RS0030

        /// <summary>A view nobody disposes, outside any dispose scope, read by contiguous() (ClipDataPipeline's old token trimming).</summary>
        public static void UnscopedTemporaryView(Tensor tokens)
        {
            using var trimmed = tokens.narrow(1, 0, tokens.shape[1] - 1).contiguous();
        }
    }
}
