using System.Diagnostics;
using System.Globalization;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Experiments.Derivation;
using ClipMem.Experiments.Jobs;
using ClipMem.Experiments.Paradigms;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Experiments.LeaveSetOut;

/// <summary>
/// The leave-set-out runner's model side, for any paradigm (PAPER.md section 2): f trains on S_S ∪ S_C, g on
/// S_S ∪ S_I, each as a job of its own (`clipmem train RUN --model NAME`) in a child process, never two
/// models training in one process; checkpoints resume; a derived removal run retrains f without the removed
/// samples and reads g from its parent. The paradigm (<see cref="IParadigm"/>) supplies the model, the
/// training task and the scorer; nothing here knows which paradigm it runs.
/// </summary>
public sealed class LeaveSetOutRun(ExperimentConfig config, RuntimeOptions runtime, RunDirectory run, IParadigm paradigm, TextWriter log)
{
    public static IReadOnlyList<string> ModelNames { get; } = ["f", "g"];

    public Action<TrainingProgress>? Progress { get; init; }

    public IParadigm Paradigm => paradigm;

    public ParadigmContext Context(ExperimentData data) => new(config, run, data, Device(), log);

    /// <summary>
    /// Trains every unfinished model as a child job (both at once with half the threads each when
    /// ConcurrentModels, on CPU) and waits; a job killed by a signal is retried once from its checkpoint.
    /// Returns the training's wall time and throughput, or the recorded ones when nothing was left to train.
    /// </summary>
    public (double Seconds, double SamplesPerSecond, IReadOnlyList<string> Trained) TrainPending(ExperimentData data)
    {
        var device = Device();
        paradigm.Prepare(Context(data));
        var pending = ModelNames.Where(name => !IsTrained(name, data)).ToList();
        if (pending.Count == 0)
        {
            var (recordedSeconds, recordedRate) = RecordedTraining(data);
            return (recordedSeconds, recordedRate, pending);
        }
        bool concurrent = runtime.ConcurrentModels && device.type == DeviceType.CPU;
        // A model's thread count depends on the run, never on how many models are left: libtorch's reductions
        // split by thread, so a model resumed alone on all threads would end with other weights than the same
        // model trained beside its twin (seen in the kill-resume trials: g resumed on 2 threads, not 1).
        int threads = concurrent ? Math.Max(1, runtime.Threads / ModelNames.Count) : runtime.Threads;
        bool together = concurrent && pending.Count > 1;
        var clock = Stopwatch.StartNew();
        int samples = pending.Sum(name => StepsToGo(name, data)) * config.Recipe.BatchSize;
        new JobRunner(log) { Progress = Progress }.Run(pending.Select(name => TrainJob(name, threads)).ToList(), together);
        double seconds = clock.Elapsed.TotalSeconds;
        return (seconds, samples / Math.Max(seconds, 1e-9), pending);
    }

    /// <summary>
    /// The job behind `clipmem train RUN --model NAME`: trains one model in this process, resuming from its
    /// last checkpoint. f and g start from the same initialisation (common random numbers: they differ only
    /// by S_C versus S_I, which keeps the S_S noise floor low).
    /// </summary>
    public void TrainModel(string name, ExperimentData data)
    {
        var context = Context(data);
        if (name == "g" && config.Mitigation<Removal>() is not null)
            throw new InvalidOperationException($"{run.Root} is a removal run: its g is the parent run's ({TrainingPaths("g").Directory}); train g there.");
        using var claim = RunLock.Acquire(run.PathOf(Path.Combine(name, "train.lock")), $"model {name} of {run.Root}");
        paradigm.Prepare(context);
        using var model = NewModel(context);
        torch.set_num_threads(runtime.Threads);
        paradigm.Train(model, Membership(name, data), context, TrainingOptions(), TrainingPaths(name), Progress);
    }

    /// <summary>A finished model from its checkpoint, in eval mode; an unfinished one is an error naming the command that trains it.</summary>
    public nn.Module Load(string name, ExperimentData data)
    {
        if (!IsTrained(name, data))
            throw new InvalidOperationException($"model {name} of {run.Root} has not finished training: run `clipmem train {run.Root} --model {name}` (it resumes from its last checkpoint).");
        var paths = TrainingPaths(name);
        var model = NewModel(Context(data));
        Checkpoint.Restore(Checkpoint.Latest(paths.Checkpoints)!, model, optimizer: null, paths.ConfigHash);
        model.eval();
        return model;
    }

    /// <summary>What a model trains on: f on S_S + S_C (less what a removal run removed), g on S_S + S_I.</summary>
    public IReadOnlyList<SampleId> Membership(string name, ExperimentData data)
    {
        var own = name switch
        {
            "f" => Split.Candidates,
            "g" => Split.Independent,
            _ => throw new ArgumentException($"Unknown model '{name}': the leave-set-out runner trains f (S_S + S_C) and g (S_S + S_I)."),
        };
        // Shared batch order (see ExperimentConfig): S_S first, in the same order for both models.
        IReadOnlyList<SampleId> members = config.Data.SharedBatchOrder
            ? [.. data.Plan.Members(Split.Shared).Order(), .. data.Plan.Members(own).Order()]
            : data.Plan.Members(Split.Shared).Concat(data.Plan.Members(own)).Order().ToList();
        if (name != "f" || config.Mitigation<Removal>() is null) return members;
        var removed = DerivedRuns.ReadRemoved(run.Root);
        return members.Where(id => !removed.Contains(id)).ToList();
    }

    /// <summary>Where a model's checkpoints and metrics live. A removal run retrains f only: its g is the parent's, config hash included.</summary>
    public TrainingRunPaths TrainingPaths(string name) => name == "g" && config.Mitigation<Removal>() is { } removal
        ? new(Path.Combine(DerivedRuns.ReadLineage(run.Root).ParentRun, "g"), removal.ParentConfigHash, "g")
        : new(run.PathOf(name), run.ConfigHash, name);

    public TrainingOptions TrainingOptions() => config.TrainingOptions();

    public bool IsTrained(string name, ExperimentData data) => StepsToGo(name, data) <= 0;

    /// <summary>Both models' training as their metrics recorded it (the last epoch's throughput), for runs loaded rather than trained.</summary>
    public (double Seconds, double SamplesPerSecond) RecordedTraining(ExperimentData data)
    {
        var perModel = ModelNames.Select(name => (Samples: (double)TotalSteps(name, data) * config.Recipe.BatchSize,
            Rate: TrainingHistory.Read(TrainingPaths(name).Metrics)[^1].SamplesPerSecond)).ToList();
        var times = perModel.Select(m => m.Samples / m.Rate).ToList();
        double wall = runtime.ConcurrentModels ? times.Max() : times.Sum();
        return (wall, perModel.Sum(m => m.Samples) / wall);
    }

    public Device Device()
    {
        runtime.Validate();
        if (runtime.Device == "cuda" && !cuda.is_available())
            throw new InvalidOperationException("--device cuda was asked for, but no CUDA device is available (build with -p:TorchBackend=cuda on a GPU machine).");
        return runtime.Device == "cuda" ? CUDA : CPU;
    }

    private nn.Module NewModel(ParadigmContext context)
    {
        torch.manual_seed((long)(DeterministicRandom.For(config.Seed, "model-init").NextUInt64() >> 1));
        var model = paradigm.CreateModel(context);
        model.to(context.Device);
        return model;
    }

    private JobSpec TrainJob(string name, int threads) => new($"training {name}",
        ["train", Path.GetFullPath(run.Root), "--model", name, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--device", runtime.Device],
        run.PathOf(Path.Combine(name, "train.log")));

    private int TotalSteps(string name, ExperimentData data) => Membership(name, data).Count / config.Recipe.BatchSize * config.Recipe.Epochs;

    private int StepsToGo(string name, ExperimentData data) =>
        TotalSteps(name, data) - (Checkpoint.Latest(TrainingPaths(name).Checkpoints) is { } latest ? Checkpoint.ReadState(latest).Step : 0);
}
