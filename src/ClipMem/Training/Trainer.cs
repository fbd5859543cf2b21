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
/// The one training loop for every objective: AdamW with decay only on matrices, a precomputed warm-up +
/// cosine schedule, a dispose scope per step, batch preparation overlapped with the previous step,
/// a progress callback, one JSON line of metrics per epoch, checkpoints that resume bit-exactly.
/// </summary>
public sealed class Trainer<TBatch>(ITrainingTask<TBatch> task, TrainingOptions options, TrainingRunPaths paths)
    where TBatch : ITrainingBatch
{
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Stops after this many steps (tests use it to simulate an interrupted run).</summary>
    public int? StopAfterStep { get; init; }

    public TrainingRunPaths Paths => paths;

    public int StepsPerEpoch => task.SampleCount / options.BatchSize;

    public int TotalSteps => StepsPerEpoch * options.Epochs;

    /// <summary>Steps taken by the last <see cref="Run"/> (fewer than TotalSteps when it resumed a checkpoint).</summary>
    public int StepsRun { get; private set; }

    public static (List<Parameter> Decay, List<Parameter> NoDecay) SplitForWeightDecay(nn.Module model)
    {
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            // Biases, norm gains, embeddings (token, positional, class) and the logit scale are not decayed.
            bool exempt = parameter.dim() < 2 || name.Contains("embedding") || name.Contains("logit_scale");
            (exempt ? noDecay : decay).Add(parameter);
        }
        return (decay, noDecay);
    }

    public int Run()
    {
        options.Validate();
        NativeAllocator.KeepFreedMemory();
        if (StepsPerEpoch == 0)
            throw new ArgumentException($"{paths.RunName}: {task.SampleCount} training samples do not fill one batch of {options.BatchSize}.");
        Directory.CreateDirectory(paths.Directory);
        var model = task.Model;
        model.train();
        var (decay, noDecay) = SplitForWeightDecay(model);
        using var optimizer = new AdamW([new ParameterGroup(decay, options.WeightDecay), new ParameterGroup(noDecay, 0)],
            options.LearningRate, options.Beta1, options.Beta2, options.Epsilon);
        var rates = LearningRateSchedule.WarmupCosine(options.LearningRate, TotalSteps, (int)Math.Round(options.WarmupFraction * TotalSteps));

        int step = 0;
        var epochLoss = new List<double>();
        if (Checkpoint.Latest(paths.Checkpoints) is { } latest)
        {
            var restored = Checkpoint.Restore(latest, model, optimizer, paths.ConfigHash);
            step = restored.Step;
            if (step % StepsPerEpoch != 0 && restored.EpochLosses is { } earlier) epochLoss.AddRange(earlier);
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
                optimizer.ZeroGrad();
                var losses = task.Losses(batch, step);
                var total = losses.Values.Aggregate((a, b) => a.add(b, TorchScalars.One));
                total.backward();
                optimizer.Step();
                loss = total.item<float>();
            }
            batch.Dispose();
            task.AfterStep(step);
            step++;
            stepsThisRun++;
            StepsRun = stepsThisRun;
            epochLoss.Add(loss);

            Progress?.Invoke(new TrainingProgress(paths.RunName, step, TotalSteps, epoch, loss, rates[step - 1],
                stepsThisRun * options.BatchSize / clock.Elapsed.TotalSeconds, clock.Elapsed, task.Metrics()));

            bool epochDone = step % StepsPerEpoch == 0;
            if (epochDone)
            {
                metricLines.Add(EpochMetrics(epoch, step, epochLoss, rates[step - 1], stepsThisRun, clock.Elapsed));
                AtomicFile.WriteAllText(paths.Metrics, string.Concat(metricLines.Select(l => l + "\n")));
                epochLoss.Clear();
                bool checkpointDue = options.CheckpointEveryEpochs > 0 && (epoch + 1) % options.CheckpointEveryEpochs == 0;
                if (checkpointDue || step == TotalSteps)
                    Checkpoint.Save(paths.Checkpoints, model, optimizer, new CheckpointState(step, epoch + 1, paths.ConfigHash, options.Seed, Checkpoint.RngNote));
            }
            if (StopAfterStep == step)
            {
                Checkpoint.Save(paths.Checkpoints, model, optimizer,
                    new CheckpointState(step, epoch, paths.ConfigHash, options.Seed, Checkpoint.RngNote, epochLoss.ToArray()));
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

    private string EpochMetrics(int epoch, int step, List<double> losses, double rate, int stepsThisRun, TimeSpan elapsed)
    {
        var record = new Dictionary<string, object>
        {
            ["epoch"] = epoch,
            ["step"] = step,
            ["loss"] = losses.Average(),
            ["lr"] = rate,
            ["samples_per_second"] = stepsThisRun * options.BatchSize / elapsed.TotalSeconds,
        };
        foreach (var (name, value) in task.Metrics()) record[name] = value;
        return JsonSerializer.Serialize(record, Json.Line);
    }

    // On resume keep only the epochs the restored checkpoint had finished.
    private List<string> ReadMetricLines(int completedEpochs) =>
        File.Exists(paths.Metrics)
            ? File.ReadAllLines(paths.Metrics, Encoding.UTF8).Where(l => l.Length > 0).Take(completedEpochs).ToList()
            : [];
}
