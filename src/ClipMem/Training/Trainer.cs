using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ClipMem.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipMem.Training;

/// <summary>Where a training run keeps its checkpoints and metrics, and how it identifies its configuration.</summary>
public sealed record TrainingRunPaths(string Directory, string ConfigHash, string RunName)
{
    public string Checkpoints => Path.Combine(Directory, "checkpoints");
    public string Metrics => Path.Combine(Directory, "metrics.jsonl");
}

/// <summary>
/// The one training loop for every objective: AdamW over the task's parameter groups (open_clip's decay rule by
/// default), a precomputed warm-up + cosine schedule and any per-step schedules the task asks for, a dispose scope per step, batch preparation overlapped with the previous step,
/// a progress callback, one JSON line of metrics per epoch, checkpoints that resume bit-exactly.
/// </summary>
public sealed class Trainer<TBatch>(ITrainingTask<TBatch> task, TrainingOptions options, TrainingRunPaths paths)
    where TBatch : ITrainingBatch
{
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Stops after this many steps (tests use it to simulate an interrupted run).</summary>
    public int? StopAfterStep { get; init; }

    /// <summary>Where warnings go (a resume on another thread count); standard error by default.</summary>
    public TextWriter Warnings { get; init; } = Console.Error;

    public TrainingRunPaths Paths => paths;

    public int StepsPerEpoch => task.SampleCount / options.BatchSize;

    public int TotalSteps => StepsPerEpoch * options.Epochs;

    /// <summary>Steps taken by the last <see cref="Run"/> (fewer than TotalSteps when it resumed a checkpoint).</summary>
    public int StepsRun { get; private set; }

    public int Run()
    {
        options.Validate();
        NativeAllocator.KeepFreedMemory();
        if (StepsPerEpoch == 0)
            throw new ArgumentException($"{paths.RunName}: {task.SampleCount} training samples do not fill one batch of {options.BatchSize}.");
        Directory.CreateDirectory(paths.Directory);
        var model = task.Model;
        model.train();
        var groups = task.ParameterGroups(options.WeightDecay);
        using var optimizer = new AdamW(groups, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon);
        var rates = LearningRateSchedule.WarmupCosine(options.LearningRate, TotalSteps, (int)Math.Round(options.WarmupFraction * TotalSteps));
        var schedules = task.Schedules(TotalSteps);
        foreach (var (name, values) in schedules)
            if (values.Length != TotalSteps)
                throw new ArgumentException($"{paths.RunName}: schedule '{name}' has {values.Length} values for {TotalSteps} steps.");
        var decaySchedule = schedules.GetValueOrDefault("weight_decay");

        int step = 0;
        var epochLosses = new EpochLosses();
        if (Checkpoint.Latest(paths.Checkpoints) is { } latest)
        {
            var restored = Checkpoint.Restore(latest, model, optimizer, paths.ConfigHash);
            if (restored.ThreadMismatch(latest, get_num_threads()) is { } mismatch) Warnings.WriteLine(mismatch);
            task.LoadState(latest);
            step = restored.Step;
            if (step % StepsPerEpoch != 0) epochLosses.Restore(restored);
        }
        var metricLines = ReadMetricLines(step / StepsPerEpoch);

        var clock = Stopwatch.StartNew();
        int stepsThisRun = 0;
        Task<TBatch>? prefetched = null;
        while (step < TotalSteps)
        {
            int epoch = step / StepsPerEpoch;
            var order = EpochOrder(epoch);
            var batch = prefetched is not null ? prefetched.Result : Prepare(order, epoch, step);
            prefetched = step + 1 < TotalSteps && StopAfterStep != step + 1 ? PrefetchNext(step + 1) : null;

            double loss;
            using (var scope = NewDisposeScope())
            {
                optimizer.LearningRate = rates[step];
                if (decaySchedule is not null) optimizer.SetWeightDecay(decaySchedule[step]);
                optimizer.ZeroGrad();
                var losses = task.Losses(batch, step);
                var total = losses.Values.Aggregate((a, b) => a.add(b, TorchScalars.One));
                total.backward();
                task.AfterBackward(step);
                optimizer.Step();
                loss = total.item<float>();
                epochLosses.Add(loss, losses.Count > 1 ? losses.ToDictionary(kv => kv.Key, kv => (double)kv.Value.item<float>()) : null);
            }
            batch.Dispose();
            task.AfterStep(step);
            step++;
            stepsThisRun++;
            StepsRun = stepsThisRun;

            Progress?.Invoke(new TrainingProgress(paths.RunName, step, TotalSteps, epoch, loss, rates[step - 1],
                stepsThisRun * options.BatchSize / clock.Elapsed.TotalSeconds, clock.Elapsed, task.Metrics()));

            bool epochDone = step % StepsPerEpoch == 0;
            if (epochDone)
            {
                metricLines.Add(EpochMetrics(epoch, step, epochLosses, rates[step - 1], schedules, stepsThisRun, clock.Elapsed));
                AtomicFile.WriteAllText(paths.Metrics, string.Concat(metricLines.Select(l => l + "\n")));
                epochLosses.Clear();
                bool checkpointDue = options.CheckpointEveryEpochs > 0 && (epoch + 1) % options.CheckpointEveryEpochs == 0;
                if (checkpointDue || step == TotalSteps)
                    Checkpoint.Save(paths.Checkpoints, model, optimizer, new CheckpointState(step, epoch + 1, paths.ConfigHash, options.Seed, Checkpoint.RngNote, TorchThreads: get_num_threads()), task.SaveState);
            }
            if (StopAfterStep == step)
            {
                Checkpoint.Save(paths.Checkpoints, model, optimizer,
                    epochLosses.Into(new CheckpointState(step, epoch, paths.ConfigHash, options.Seed, Checkpoint.RngNote, TorchThreads: get_num_threads())), task.SaveState);
                break;
            }
        }
        prefetched?.Result.Dispose();
        model.eval();
        return step;

        Task<TBatch> PrefetchNext(int next)
        {
            int nextEpoch = next / StepsPerEpoch;
            var nextOrder = EpochOrder(nextEpoch);
            return Task.Run(() => Prepare(nextOrder, nextEpoch, next));
        }
    }

    private TBatch Prepare(int[] order, int epoch, int step)
    {
        int offset = (step % StepsPerEpoch) * options.BatchSize;
        return ScopedBatch.Build(() => task.PrepareBatch(new ArraySegment<int>(order, offset, options.BatchSize), epoch, step));
    }

    /// <summary>The sample order of an epoch is a pure function of (seed, epoch): resuming mid-epoch replays it.</summary>
    public int[] EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, task.SampleCount).ToArray();
        DeterministicRandom.For(options.Seed, "epoch-order", epoch).Shuffle(order);
        return order;
    }

    private string EpochMetrics(int epoch, int step, EpochLosses losses, double rate, IReadOnlyDictionary<string, double[]> schedules, int stepsThisRun, TimeSpan elapsed)
    {
        var record = new Dictionary<string, object>
        {
            ["epoch"] = epoch,
            ["step"] = step,
            ["loss"] = losses.Total.Average(),
            ["lr"] = rate,
            ["samples_per_second"] = stepsThisRun * options.BatchSize / elapsed.TotalSeconds,
        };
        // Each named loss separately when the objective has several (BLIP's ITC, ITM and LM).
        foreach (var (name, values) in losses.Named) record[$"loss_{name}"] = values.Average();
        foreach (var (name, values) in schedules) record[name] = values[step - 1];
        if (task.HeldOutLoss() is { } heldOut) record["heldout_loss"] = heldOut;
        foreach (var (name, value) in task.Metrics()) record[name] = value;
        return JsonSerializer.Serialize(record, Json.Line);
    }

    // On resume keep only the epochs the restored checkpoint had finished.
    private List<string> ReadMetricLines(int completedEpochs) =>
        File.Exists(paths.Metrics)
            ? File.ReadAllLines(paths.Metrics, Encoding.UTF8).Where(l => l.Length > 0).Take(completedEpochs).ToList()
            : [];
}

/// <summary>The step losses of the epoch in progress, total and per named term; a mid-epoch checkpoint carries them.</summary>
internal sealed class EpochLosses
{
    public List<double> Total { get; } = [];
    public Dictionary<string, List<double>> Named { get; } = [];

    public void Add(double total, IReadOnlyDictionary<string, double>? named)
    {
        Total.Add(total);
        if (named is null) return;
        foreach (var (name, value) in named)
        {
            if (!Named.TryGetValue(name, out var list)) Named[name] = list = [];
            list.Add(value);
        }
    }

    public void Clear()
    {
        Total.Clear();
        Named.Clear();
    }

    public CheckpointState Into(CheckpointState state) => state with
    {
        EpochLosses = Total.ToArray(),
        EpochNamedLosses = Named.Count == 0 ? null : Named.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()),
    };

    public void Restore(CheckpointState state)
    {
        if (state.EpochLosses is { } total) Total.AddRange(total);
        foreach (var (name, values) in state.EpochNamedLosses ?? new Dictionary<string, double[]>()) Named[name] = [.. values];
    }
}
