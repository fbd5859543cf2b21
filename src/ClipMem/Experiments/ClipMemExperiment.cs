using System.Diagnostics;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;
using ClipMem.Data.Text;
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
        var data = PrepareData();
        using var models = Train(data);

        var phase = Stopwatch.StartNew();
        var pipeline = Pipeline(models.Images, data.Plan.MembershipOfF, models.Tokenizer, models.F.Config, models.Device);
        var embedder = new ClipEmbedder(models.Images, pipeline, Preset.Resolution, Preset.ScoringViews, config.Seed, models.Device);
        var allIds = Enum.GetValues<Split>().SelectMany(data.Plan.Members).ToList();
        var (embF, embG) = EmbedCached(embedder, models.F, models.G, allIds);
        log.WriteLine($"embedded {allIds.Count} samples x {Preset.ScoringViews + 1} views with f and g in {phase.Elapsed.TotalSeconds:F0} s");

        var evaluation = new ClipMemEvaluation(config, data, embF, embG);
        var rows = evaluation.ScoreRows();
        ScoreTable.WriteCsv(run.PathOf("scores.csv"), rows);
        ScoreTable.WriteParquet(run.PathOf("scores.parquet"), rows);

        var utility = MeasureUtility(models, data, pipeline, embF);
        var summary = evaluation.Summarize(rows, utility, clock.Elapsed.TotalSeconds, models.Seconds, models.SamplesPerSecond, runtime);
        AtomicFile.WriteAllText(run.PathOf("summary.json"), System.Text.Json.JsonSerializer.Serialize(summary, Json.Options));
        var result = new ClipMemResult(run.Root, config, summary, rows, data);
        AtomicFile.WriteAllText(run.PathOf("report.html"), ClipMemReport.Render(result, models.Images));
        return result;
    }

    /// <summary>
    /// Trains f and g (or resumes them from the run directory's checkpoints: a finished pair loads in
    /// seconds). The tokenizer is trained first, on the training splits' captions.
    /// </summary>
    public TrainedModels Train(ExperimentData data)
    {
        runtime.Validate();
        if (runtime.Device == "cuda" && !cuda.is_available())
            throw new InvalidOperationException("--device cuda was asked for, but no CUDA device is available (build with -p:TorchBackend=cuda on a GPU machine).");
        var device = runtime.Device == "cuda" ? CUDA : CPU;
        var tokenizer = TrainOrLoadTokenizer(data);
        var images = new ImageCache(data.Effective, Preset.Resolution);
        var modelConfig = Preset.ModelConfig(tokenizer.VocabularySize);
        var (f, g, seconds, samplesPerSecond, loaded) = TrainPair(data, images, tokenizer, modelConfig, device);
        log.WriteLine(loaded
            ? $"f and g loaded from their finished checkpoints (their training took {seconds:F0} s, {samplesPerSecond:F0} samples/s over both)"
            : $"trained f and g in {seconds:F0} s ({samplesPerSecond:F0} samples/s over both)");
        return new TrainedModels(f, g, tokenizer, images, device, seconds, samplesPerSecond);
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
        SplitPlan.SaveMembership(run.PathOf("membership_f.txt"), data.Plan.MembershipOfF);
        SplitPlan.SaveMembership(run.PathOf("membership_g.txt"), data.Plan.MembershipOfG);
        return data;
    }

    /// <summary>The tokenizer learns from the captions of the training splits only (S_S, S_C, S_I), never S_E.</summary>
    private BpeTokenizer TrainOrLoadTokenizer(ExperimentData data)
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
            AugmentationOptions.Training with { CropScaleMin = Preset.CropScaleMin }, config.Seed, device);

    /// <summary>
    /// Trains f and g from the same initialisation (common random numbers: the two models differ only by
    /// S_C versus S_I, which keeps the S_S noise floor low). With ConcurrentModels both train at once, one
    /// torch thread each: at small widths that beats one model on two threads.
    /// </summary>
    private (ClipModel F, ClipModel G, double Seconds, double SamplesPerSecond, bool Loaded) TrainPair(
        ExperimentData data, ImageCache images, BpeTokenizer tokenizer, ClipConfig modelConfig, Device device)
    {
        var models = new Dictionary<string, ClipModel>();
        foreach (var name in new[] { "f", "g" })
        {
            torch.manual_seed((long)(DeterministicRandom.For(config.Seed, "model-init").NextUInt64() >> 1));
            models[name] = new ClipModel(modelConfig);
            models[name].to(device);
        }
        var options = new TrainingOptions(Preset.Epochs, Preset.BatchSize, Preset.LearningRate, Preset.WeightDecay,
            WarmupFraction: Preset.WarmupFraction, Seed: config.Seed, CheckpointEveryEpochs: Math.Max(1, Preset.Epochs / 4));
        var trainers = new[] { ("f", data.Plan.MembershipOfF), ("g", data.Plan.MembershipOfG) }.Select(m =>
        {
            var task = new ClipTrainingTask(models[m.Item1], Pipeline(images, m.Item2, tokenizer, modelConfig, device), config.Seed, config.TextNoiseSigma);
            return new Trainer<ClipBatch>(task, options, new TrainingRunPaths(run.PathOf(m.Item1), run.ConfigHash, m.Item1)) { Progress = Progress };
        }).ToArray();

        var clock = Stopwatch.StartNew();
        if (runtime.ConcurrentModels && device.type == DeviceType.CPU)
        {
            torch.set_num_threads(Math.Max(1, runtime.Threads / 2));
            Task.WaitAll(trainers.Select(t => Task.Factory.StartNew(() => t.Run(), TaskCreationOptions.LongRunning)).ToArray());
        }
        else
        {
            torch.set_num_threads(runtime.Threads);
            foreach (var trainer in trainers) trainer.Run();
        }
        torch.set_num_threads(runtime.Threads);
        double seconds = clock.Elapsed.TotalSeconds;
        int samples = trainers.Sum(t => t.StepsRun) * Preset.BatchSize;
        if (samples == 0)
        {
            var recorded = RecordedTraining();
            return (models["f"], models["g"], recorded.Seconds, recorded.SamplesPerSecond, true);
        }
        return (models["f"], models["g"], seconds, samples / Math.Max(seconds, 1e-9), false);

        // Both models were loaded from finished checkpoints: report the training their metrics recorded
        // (the last epoch's throughput), not the zero seconds of this call.
        (double Seconds, double SamplesPerSecond) RecordedTraining()
        {
            var perModel = trainers.Select(t => (Samples: (double)t.TotalSteps * Preset.BatchSize,
                Rate: TrainingHistory.Read(t.Paths.Metrics)[^1].SamplesPerSecond)).ToList();
            var times = perModel.Select(m => m.Samples / m.Rate).ToList();
            double wall = runtime.ConcurrentModels ? times.Max() : times.Sum();
            return (wall, perModel.Sum(m => m.Samples) / wall);
        }
    }

    /// <summary>f's and g's embeddings from the run directory's cache, computing (together) whichever is missing.</summary>
    private (EmbeddingSet F, EmbeddingSet G) EmbedCached(ClipEmbedder embedder, ClipModel f, ClipModel g, IReadOnlyList<SampleId> ids)
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
        return (sets[0], sets[1]);
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
