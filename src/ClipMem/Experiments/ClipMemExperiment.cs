using System.Diagnostics;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;
using ClipMem.Data.Text;
using ClipMem.Experiments.Derivation;
using ClipMem.Experiments.Jobs;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Experiments;

/// <summary>
/// The main job, as a recipe (PAPER.md sections 2, 3, 5): build the leave-set-out splits with injected
/// mis-captions, train the tokenizer on training captions, train f on S_S ∪ S_C and g on S_S ∪ S_I,
/// embed every split with both, score CLIPMem, evaluate, and write the run directory. Every stage reuses
/// what the run directory already holds for this configuration.
/// </summary>
public sealed class ClipMemExperiment(ExperimentConfig config, RuntimeOptions runtime, RunDirectory run, TextWriter log)
{
    public Action<TrainingProgress>? Progress { get; init; }

    public ExperimentPreset Preset => config.Preset;

    /// <summary>Every stage in order: data, training, embedding, scoring, utility, summary and report.</summary>
    public ClipMemResult Run()
    {
        var clock = Stopwatch.StartNew();
        using var claim = run.Claim();
        var data = PrepareData();
        using var models = Train(data);
        var rows = Score(models, data);
        return Evaluate(models, data, rows, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The scoring job (`clipmem score RUN`): embeds every split with f and g (K augmented views, cached in
    /// the run directory) and writes one CLIPMem row per sample to scores.csv and scores.parquet.
    /// </summary>
    public IReadOnlyList<ScoreRow> Score(TrainedModels models, ExperimentData data)
    {
        var (embF, embG) = Embeddings(models, data);
        var rows = new ClipMemEvaluation(config, data, embF, embG).ScoreRows();
        ScoreTable.WriteCsv(run.PathOf("scores.csv"), rows);
        ScoreTable.WriteParquet(run.PathOf("scores.parquet"), rows);
        return rows;
    }

    /// <summary>
    /// The evaluation job (`clipmem evaluate RUN`): f's utility, the summary (split statistics, mis-caption
    /// detection, atypicality) and the report, from the scores the scoring job wrote.
    /// </summary>
    public ClipMemResult Evaluate(TrainedModels models, ExperimentData data, IReadOnlyList<ScoreRow> rows, double? totalSeconds = null)
    {
        var clock = Stopwatch.StartNew();
        var (embF, embG) = Embeddings(models, data);
        var pipeline = Pipeline(models.Images, data.Plan.MembershipOfF, models.Tokenizer, models.F.Config, models.Device);
        var utility = MeasureUtility(models, data, pipeline, embF);
        var evaluation = new ClipMemEvaluation(config, data, embF, embG);
        var summary = evaluation.Summarize(rows, utility, totalSeconds ?? models.Seconds + clock.Elapsed.TotalSeconds, models.Seconds, models.SamplesPerSecond, runtime);
        AtomicFile.WriteAllText(run.PathOf("summary.json"), System.Text.Json.JsonSerializer.Serialize(summary, Json.Options));
        var result = new ClipMemResult(run.Root, config, summary, rows, data);
        AtomicFile.WriteAllText(run.PathOf("report.html"), ClipMemReport.Render(result, models.Images));
        return result;
    }

    /// <summary>f's and g's embeddings of every split: from the run directory's cache, or computed (together) and cached.</summary>
    private (EmbeddingSet F, EmbeddingSet G) Embeddings(TrainedModels models, ExperimentData data)
    {
        var phase = Stopwatch.StartNew();
        var pipeline = Pipeline(models.Images, data.Plan.MembershipOfF, models.Tokenizer, models.F.Config, models.Device);
        var embedder = new ClipEmbedder(models.Images, pipeline, Preset.Resolution, Preset.ScoringViews, config.Seed, models.Device,
            scoringViews: TrainingTransform with { FlipProbability = 0 });
        var allIds = Enum.GetValues<Split>().SelectMany(data.Plan.Members).ToList();
        var (embF, embG, computed) = EmbedCached(embedder, models.F, models.G, allIds);
        if (computed) log.WriteLine($"embedded {allIds.Count} samples x {Preset.ScoringViews + 1} views with f and g in {phase.Elapsed.TotalSeconds:F0} s");
        return (embF, embG);
    }

    /// <summary>
    /// Trains f and g (or resumes them from the run directory's checkpoints: a finished pair loads in
    /// seconds). The tokenizer is trained first, on the training splits' captions. Each unfinished model is a
    /// job of its own, `clipmem train RUN --model NAME`, in a child process: never two models training in one
    /// process. With ConcurrentModels the two jobs run at once with half the threads each (at small widths
    /// that beats one model on all threads); a job killed by a signal is retried once from its checkpoint.
    /// </summary>
    public TrainedModels Train(ExperimentData data)
    {
        var device = Device();
        var tokenizer = PrepareTokenizer(data);
        var images = new ImageCache(data.Effective, Preset.Resolution);
        var pending = ModelNames.Where(name => !IsTrained(name, data)).ToList();
        double seconds, samplesPerSecond;
        bool loaded = pending.Count == 0;
        if (loaded)
        {
            (seconds, samplesPerSecond) = RecordedTraining(data);
        }
        else
        {
            bool together = runtime.ConcurrentModels && device.type == DeviceType.CPU && pending.Count > 1;
            int threads = together ? Math.Max(1, runtime.Threads / pending.Count) : runtime.Threads;
            var clock = Stopwatch.StartNew();
            int samples = pending.Sum(name => StepsToGo(name, data)) * Preset.BatchSize;
            new JobRunner(log) { Progress = Progress }.Run(pending.Select(name => TrainJob(name, threads)).ToList(), together);
            seconds = clock.Elapsed.TotalSeconds;
            samplesPerSecond = samples / Math.Max(seconds, 1e-9);
        }
        log.WriteLine(loaded
            ? $"f and g loaded from their finished checkpoints (their training took {seconds:F0} s, {samplesPerSecond:F0} samples/s over both)"
            : $"trained {string.Join(" and ", pending)} in {seconds:F0} s ({samplesPerSecond:F0} samples/s), each in its own process");
        return Load(tokenizer, images, device, seconds, samplesPerSecond);
    }

    /// <summary>f and g from their finished checkpoints, for the scoring and evaluation jobs; an untrained model is an error naming the command that trains it.</summary>
    public TrainedModels LoadModels(ExperimentData data)
    {
        var device = Device();
        var tokenizer = PrepareTokenizer(data);
        foreach (var name in ModelNames)
            if (!IsTrained(name, data))
                throw new InvalidOperationException($"model {name} of {run.Root} has not finished training: run `clipmem train {run.Root} --model {name}` (it resumes from its last checkpoint).");
        var (seconds, samplesPerSecond) = RecordedTraining(data);
        return Load(tokenizer, new ImageCache(data.Effective, Preset.Resolution), device, seconds, samplesPerSecond);
    }

    public string RunRoot => run.Root;

    private TrainedModels Load(BpeTokenizer tokenizer, ImageCache images, Device device, double seconds, double samplesPerSecond)
    {
        var f = LoadTrained("f", tokenizer, device);
        var g = LoadTrained("g", tokenizer, device);
        return new TrainedModels(f, g, tokenizer, images, device, seconds, samplesPerSecond);
    }

    public static IReadOnlyList<string> ModelNames { get; } = ["f", "g"];

    /// <summary>
    /// The job behind `clipmem train RUN --model NAME`: trains one model in this process, resuming from its
    /// last checkpoint. f and g start from the same initialisation (common random numbers: they differ only
    /// by S_C versus S_I, which keeps the S_S noise floor low).
    /// </summary>
    public void TrainModel(string name, ExperimentData data)
    {
        var device = Device();
        if (name == "g" && config.Removal is not null)
            throw new InvalidOperationException($"{run.Root} is a removal run: its g is the parent run's ({TrainingPaths("g").Directory}); train g there.");
        using var claim = RunLock.Acquire(run.PathOf(Path.Combine(name, "train.lock")), $"model {name} of {run.Root}");
        var tokenizer = PrepareTokenizer(data);
        var images = new ImageCache(data.Effective, Preset.Resolution);
        using var model = NewModel(tokenizer, device);
        var heldOut = Pipeline(images, data.Plan.Members(Split.Extra), tokenizer, model.Config, device);
        var task = new ClipTrainingTask(model, Pipeline(images, Membership(name, data), tokenizer, model.Config, device), config.Seed, config.TextNoiseSigma,
            heldOut, Preset.BatchSize);
        var trainer = new Trainer<ClipBatch>(task, TrainingOptions(), TrainingPaths(name)) { Progress = Progress };
        torch.set_num_threads(runtime.Threads);
        trainer.Run();
    }

    private JobSpec TrainJob(string name, int threads) => new($"training {name}",
        ["train", run.Root, "--model", name, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--device", runtime.Device],
        run.PathOf(Path.Combine(name, "train.log")));

    private Device Device()
    {
        runtime.Validate();
        if (runtime.Device == "cuda" && !cuda.is_available())
            throw new InvalidOperationException("--device cuda was asked for, but no CUDA device is available (build with -p:TorchBackend=cuda on a GPU machine).");
        return runtime.Device == "cuda" ? CUDA : CPU;
    }

    private ClipModel NewModel(BpeTokenizer tokenizer, Device device)
    {
        torch.manual_seed((long)(DeterministicRandom.For(config.Seed, "model-init").NextUInt64() >> 1));
        var model = new ClipModel(Preset.ModelConfig(tokenizer.VocabularySize));
        model.to(device);
        return model;
    }

    private ClipModel LoadTrained(string name, BpeTokenizer tokenizer, Device device)
    {
        string checkpoint = Checkpoint.Latest(TrainingPaths(name).Checkpoints)
                            ?? throw new InvalidOperationException($"model {name} has no checkpoint in {run.Root}: train it with `clipmem train {run.Root} --model {name}`.");
        var model = NewModel(tokenizer, device);
        Checkpoint.Restore(checkpoint, model, optimizer: null, TrainingPaths(name).ConfigHash);
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
            _ => throw new ArgumentException($"Unknown model '{name}': the CLIP experiment trains f (S_S + S_C) and g (S_S + S_I)."),
        };
        // Shared batch order (see ExperimentConfig): S_S first, in the same order for both models.
        IReadOnlyList<SampleId> members = config.SharedBatchOrder
            ? [.. data.Plan.Members(Split.Shared).Order(), .. data.Plan.Members(own).Order()]
            : data.Plan.Members(Split.Shared).Concat(data.Plan.Members(own)).Order().ToList();
        if (name != "f" || config.Removal is null) return members;
        var removed = DerivedRuns.ReadRemoved(run.Root);
        return members.Where(id => !removed.Contains(id)).ToList();
    }

    private TrainingOptions TrainingOptions() => new(Preset.Epochs, Preset.BatchSize, Preset.LearningRate, Preset.WeightDecay,
        WarmupFraction: Preset.WarmupFraction, Seed: config.Seed, CheckpointEveryEpochs: Math.Max(1, Preset.Epochs / 4));

    // A removal run retrains f only: its g is the parent's, checkpoints and config hash included.
    private TrainingRunPaths TrainingPaths(string name) => name == "g" && config.Removal is { } removal
        ? new(Path.Combine(DerivedRuns.ReadLineage(run.Root).ParentRun, "g"), removal.ParentConfigHash, "g")
        : new(run.PathOf(name), run.ConfigHash, name);

    private int TotalSteps(string name, ExperimentData data) => Membership(name, data).Count / Preset.BatchSize * Preset.Epochs;

    private int StepsToGo(string name, ExperimentData data) =>
        TotalSteps(name, data) - (Checkpoint.Latest(TrainingPaths(name).Checkpoints) is { } latest ? Checkpoint.ReadState(latest).Step : 0);

    private bool IsTrained(string name, ExperimentData data) => StepsToGo(name, data) <= 0;

    // Both models were already trained: report the training their metrics recorded (the last epoch's
    // throughput), not the zero seconds of this call.
    private (double Seconds, double SamplesPerSecond) RecordedTraining(ExperimentData data)
    {
        var perModel = ModelNames.Select(name => (Samples: (double)TotalSteps(name, data) * Preset.BatchSize,
            Rate: TrainingHistory.Read(TrainingPaths(name).Metrics)[^1].SamplesPerSecond)).ToList();
        var times = perModel.Select(m => m.Samples / m.Rate).ToList();
        double wall = runtime.ConcurrentModels ? times.Max() : times.Sum();
        return (wall, perModel.Sum(m => m.Samples) / wall);
    }

    /// <summary>
    /// f's utility (PAPER.md section 5): linear probe beside its floor and ceiling, zero-shot, retrieval on
    /// S_E. Pass f's embeddings when they exist; otherwise S_E is embedded here for retrieval.
    /// </summary>
    public UtilityResult MeasureUtility(TrainedModels models, ExperimentData data, ClipDataPipeline? pipeline = null, EmbeddingSet? embF = null)
    {
        var phase = Stopwatch.StartNew();
        pipeline ??= Pipeline(models.Images, data.Plan.MembershipOfF, models.Tokenizer, models.F.Config, models.Device);
        embF ??= new ClipEmbedder(models.Images, pipeline, Preset.Resolution, views: 1, config.Seed, models.Device)
            .Embed(models.F, data.Plan.Members(Split.Extra).ToList(), "f, S_E only, for retrieval");
        var utility = new UtilityEvaluation(config, models.Device, run.PathOf("supervised_reference"), log).Measure(models.F, pipeline, embF, data);
        log.WriteLine($"utility measured in {phase.Elapsed.TotalSeconds:F0} s");
        return utility;
    }

    /// <summary>Builds the data (see <see cref="ExperimentData.Build"/>) and records splits, mis-captions and memberships in the run directory.</summary>
    public ExperimentData PrepareData()
    {
        var data = ExperimentData.Build(config, log);
        data.Plan.Save(run.PathOf("splits.csv"));
        data.Injection.Save(run.PathOf("miscaptions.csv"));
        SplitPlan.SaveMembership(run.PathOf("membership_f.txt"), Membership("f", data).Order());
        SplitPlan.SaveMembership(run.PathOf("membership_g.txt"), Membership("g", data).Order());
        return data;
    }

    /// <summary>The tokenizer learns from the captions of the training splits only (S_S, S_C, S_I), never S_E; trained once per run directory.</summary>
    public BpeTokenizer PrepareTokenizer(ExperimentData data)
    {
        string path = run.PathOf("tokenizer.json");
        if (File.Exists(path)) return BpeTokenizer.Load(path);
        var trainingIds = data.Plan.MembershipOfF.Concat(data.Plan.Members(Split.Independent));
        var tokenizer = BpeTrainer.Train(trainingIds.SelectMany(id => data.Effective[id].Captions), Preset.VocabularySize);
        tokenizer.Save(path);
        return tokenizer;
    }

    private ClipDataPipeline Pipeline(ImageCache images, IReadOnlyList<SampleId> members, BpeTokenizer tokenizer, ClipConfig model, Device device) =>
        new(images, members, tokenizer, model.Text.ContextLength, Preset.Resolution,
            TrainingTransform, config.Seed, device);

    /// <summary>The preset's training transform; the K scoring views are drawn from it too (without flips).</summary>
    private AugmentationOptions TrainingTransform => AugmentationOptions.Training with { CropScaleMin = Preset.CropScaleMin };

    /// <summary>f's and g's embeddings from the run directory's cache, computing (together) whichever is missing.</summary>
    private (EmbeddingSet F, EmbeddingSet G, bool Computed) EmbedCached(ClipEmbedder embedder, ClipModel f, ClipModel g, IReadOnlyList<SampleId> ids)
    {
        var wanted = new[] { ("f", f), ("g", g) }.Select(m =>
        {
            string checkpoint = Checkpoint.Latest(run.PathOf(Path.Combine(m.Item1, "checkpoints"))) ?? "none";
            string provenance = EmbeddingSet.Describe(new
            {
                model = m.Item1,
                checkpoint = Path.GetFileName(checkpoint),
                config = run.ConfigHash,
                views = Preset.ScoringViews,
                seed = config.Seed,
                samples = ids.Count,
            });
            string path = run.PathOf($"embeddings_{m.Item1}.bin");
            return (Model: m.Item2, Provenance: provenance, Path: path, Cached: EmbeddingSet.TryLoad(path, provenance));
        }).ToList();
        var missing = wanted.Where(w => w.Cached is null).ToList();
        var computed = embedder.Embed(missing.Select(w => (w.Model, w.Provenance)).ToList(), ids);
        for (int k = 0; k < missing.Count; k++) computed[k].Save(missing[k].Path);
        var sets = wanted.Select(w => w.Cached ?? computed[missing.IndexOf(w)]).ToList();
        return (sets[0], sets[1], missing.Count > 0);
    }
}

/// <summary>A trained pair f, g with what it needs to embed: tokenizer, decoded images, device, training time.</summary>
public sealed record TrainedModels(ClipModel F, ClipModel G, BpeTokenizer Tokenizer, ImageCache Images, Device Device, double Seconds, double SamplesPerSecond)
    : IDisposable
{
    public void Dispose()
    {
        F.Dispose();
        G.Dispose();
    }
}
