using System.Diagnostics;
using ClipMem.Data;
using ClipMem.Models;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Benchmarks;

/// <summary>
/// One CLIP model with its optimiser, stepped the way the trainer steps it (ClipTrainingTask's losses,
/// a dispose scope per step, AdamW, logit-scale clamp), fed either by fixed synthetic tensors (the bare
/// step) or by the real input pipeline over exported PNGs (decode, augment, tokenize, batch, with the
/// next batch prepared on a background thread as the trainer does).
/// </summary>
public sealed class TrainingStepBench : IDisposable
{
    private readonly ClipModel _model;
    private readonly AdamW _optimizer;
    private readonly ClipTrainingTask _task;
    private readonly BenchDataset _data;
    private readonly int _batchSize;
    private readonly ulong _seed;
    private int _step;

    public ClipConfig Config => _model.Config;

    public TrainingStepBench(ClipConfig config, BenchDataset data, int batchSize, ulong seed)
    {
        manual_seed((long)seed);
        _model = new ClipModel(config);
        _model.train();
        _optimizer = new AdamW(WeightDecayRule.OpenClip(_model, 0.1), 1e-3, 0.9, 0.98, 1e-6);
        _task = new ClipTrainingTask(_model, Pipeline(config, data, new ImageCache(data.Dataset, config.Vision.ImageSize), seed), seed);
        _data = data;
        _batchSize = batchSize;
        _seed = seed;
    }

    /// <summary>Where the timed steps of the last <see cref="BareStep"/> spent their time.</summary>
    public StepProfile? LastBareStepProfile { get; private set; }

    /// <summary>Samples per second of <paramref name="steps"/> steps on one fixed batch of random tensors (full-context captions).</summary>
    public double BareStep(int steps, int warmupSteps)
    {
        using var batch = SyntheticBatch();
        for (int i = 0; i < warmupSteps; i++) Step(batch);
        var phases = new PhaseClock();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step(batch, phases);
        double seconds = clock.Elapsed.TotalSeconds;
        LastBareStepProfile = phases.PerStep(steps);
        return steps * _batchSize / seconds;
    }

    /// <summary>
    /// Samples per second of one pass over the exported images, from a cold image cache: every image is
    /// decoded once, as in a training epoch. The first batch is prepared in the open (nothing to overlap).
    /// </summary>
    public double FullPipeline(int steps)
    {
        if (_data.Dataset.Count < steps * _batchSize)
            throw new ArgumentException($"{steps} steps of {_batchSize} need {steps * _batchSize} images, the bench exported {_data.Dataset.Count}.");
        var pipeline = Pipeline(Config, _data, new ImageCache(_data.Dataset, Config.Vision.ImageSize), _seed);
        var clock = Stopwatch.StartNew();
        var next = Task.FromResult(Prepare(pipeline, 0));
        for (int i = 0; i < steps; i++)
        {
            using var batch = next.Result;
            int following = i + 1;
            if (following < steps) next = Task.Run(() => Prepare(pipeline, following));
            Step(batch);
        }
        return steps * _batchSize / clock.Elapsed.TotalSeconds;
    }

    public ClipModel Model => _model;

    private ClipBatch Prepare(ClipDataPipeline pipeline, int step) =>
        ScopedBatch.Build(() => pipeline.TrainingBatch(Enumerable.Range(step * _batchSize, _batchSize).ToArray(), epoch: 0));

    /// <param name="phases">When given, the step's phases are timed into it. libtorch runs CPU ops synchronously, so a
    /// clock read between calls splits the step exactly; the reads cost microseconds against a step of about a second.</param>
    private void Step(ClipBatch batch, PhaseClock? phases = null)
    {
        long start = Stopwatch.GetTimestamp(), forwardDone, backwardDone;
        using (NewDisposeScope())
        {
            _optimizer.ZeroGrad();
            var loss = _task.Losses(batch, _step)["contrastive"];
            forwardDone = Stopwatch.GetTimestamp();
            loss.backward();
            backwardDone = Stopwatch.GetTimestamp();
            _optimizer.Step();
            _ = loss.item<float>();
        }
        _task.AfterStep(_step);
        _step++;
        // The optimiser phase runs to here: AdamW, the loss read-out, the step's disposals and the logit-scale clamp.
        phases?.Add(forwardDone - start, backwardDone - forwardDone, Stopwatch.GetTimestamp() - backwardDone);
    }

    private sealed class PhaseClock
    {
        private long _forward, _backward, _optimizer;

        public void Add(long forward, long backward, long optimizer)
        {
            _forward += forward;
            _backward += backward;
            _optimizer += optimizer;
        }

        public StepProfile PerStep(int steps)
        {
            double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency / steps;
            return new StepProfile(Milliseconds(_forward), Milliseconds(_backward), Milliseconds(_optimizer));
        }
    }

    private ClipBatch SyntheticBatch()
    {
        var text = Config.Text;
        int n = _batchSize, length = text.ContextLength;
        var generator = new Generator(_seed + 1);
        var images = randn([n, 3, Config.Vision.ImageSize, Config.Vision.ImageSize], generator: generator);
        var tokens = randint(1, text.VocabularySize, [n, length], dtype: int64, generator: generator);
        using var lastPosition = ((long)length - 1).ToScalar();
        var ends = full([n], lastPosition, dtype: int64);
        generator.Dispose();
        return new ClipBatch(images, tokens, ends);
    }

    internal static ClipDataPipeline Pipeline(ClipConfig config, BenchDataset data, ImageCache cache, ulong seed) =>
        new(cache, data.Dataset.Select(s => s.Id).ToList(), data.Tokenizer, config.Text.ContextLength, config.Vision.ImageSize,
            AugmentationOptions.Training, seed);

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
    }
}
