using System.Diagnostics;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Text;
using ClipMem.Experiments.Mitigations;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Experiments.Paradigms;

/// <summary>
/// CLIP as the leave-set-out runner's first paradigm: a BPE tokenizer learnt from the training splits'
/// captions, the CLIP model of the preset's size, the contrastive training task (with S_E as its held-out
/// set), and CLIPMem over embeddings of K views drawn from the training transform (PAPER.md section 3).
/// </summary>
public sealed class ClipParadigm : IParadigm
{
    public const string ParadigmName = "clip";

    private BpeTokenizer? _tokenizer;
    private (ExperimentData Data, ImageCache Cache)? _images;
    // The last embeddings, so scoring and evaluation in one process (reproduce) read them once.
    private (ClipModel F, ClipModel G, (string, string)? Checkpoints, EmbeddingSet EmbF, EmbeddingSet EmbG)? _embeddings;

    public string Name => ParadigmName;

    public IReadOnlyList<string> ModelSizes => ClipModelConfigs.Sizes;

    /// <summary>The CLIP architecture of the config's model size, at the data's resolution, with this vocabulary.</summary>
    public static ClipConfig ModelConfig(ExperimentConfig config, int vocabularySize)
    {
        var model = ClipModelConfigs.Load(config.Model.Size, vocabularySize);
        return model with { Vision = model.Vision with { ImageSize = config.Data.Resolution } };
    }

    public void Prepare(ParadigmContext context) => Tokenizer(context);

    /// <summary>The run's tokenizer: learnt once from the captions of S_S, S_C and S_I (never S_E) and kept in tokenizer.json.</summary>
    public BpeTokenizer Tokenizer(ParadigmContext context)
    {
        if (_tokenizer is not null) return _tokenizer;
        string path = context.Run.PathOf("tokenizer.json");
        if (File.Exists(path)) return _tokenizer = BpeTokenizer.Load(path);
        var plan = context.Data.Plan;
        var trainingIds = plan.MembershipOfF.Concat(plan.Members(Split.Independent));
        var tokenizer = BpeTrainer.Train(trainingIds.SelectMany(id => context.Data.Effective[id].Captions), context.Config.Model.VocabularySize);
        tokenizer.Save(path);
        return _tokenizer = tokenizer;
    }

    /// <summary>The decoded images of the run's data, decoded once per process.</summary>
    public ImageCache Images(ParadigmContext context)
    {
        if (_images is { } cached && ReferenceEquals(cached.Data, context.Data)) return cached.Cache;
        var cache = new ImageCache(context.Data.Effective, context.Config.Data.Resolution);
        _images = (context.Data, cache);
        return cache;
    }

    /// <summary>A fresh CLIP of the run's size, computing its matrix products in the recipe's precision (training and scoring alike).</summary>
    public nn.Module CreateModel(ParadigmContext context) =>
        new ClipModel(ModelConfig(context.Config, Tokenizer(context).VocabularySize)) { Precision = context.Config.Recipe.Precision };

    public VisionTransformer ImageTower(nn.Module model) => ((ClipModel)model).Visual;

    public int Train(nn.Module model, IReadOnlyList<SampleId> members, ParadigmContext context, TrainingOptions options, TrainingRunPaths paths,
        Action<TrainingProgress>? progress)
    {
        var clip = (ClipModel)model;
        var heldOut = Pipeline(context, context.Data.Plan.Members(Split.Extra));
        var task = new ClipTrainingTask(clip, Pipeline(context, members), context.Config.Seed, context.Config.Mitigation<TextEmbeddingNoise>()?.Sigma ?? 0, heldOut, options.BatchSize);
        return new Trainer<ClipBatch>(task, options, paths) { Progress = progress }.Run();
    }

    public IReadOnlyList<ScoreRecord> Score(nn.Module f, nn.Module g, ParadigmContext context) => Records(ScoreRows((ClipModel)f, (ClipModel)g, context, null));

    /// <summary>CLIP's wide rows in the long format: score "clipmem", its parts and atypicality as extras.</summary>
    public static IReadOnlyList<ScoreRecord> Records(IReadOnlyList<ScoreRow> rows) =>
        rows.Select(r => new ScoreRecord(r.SampleId, r.Split, ParadigmName, "clipmem", r.Raw, r.ClipMem, new Dictionary<string, double>
        {
            ["positive_f"] = r.PositiveF,
            ["positive_g"] = r.PositiveG,
            ["align_f"] = r.AlignF,
            ["align_g"] = r.AlignG,
            ["rank"] = r.Rank,
            ["knn_distance_g"] = r.KnnDistanceUnderG,
            ["concept_frequency"] = r.ConceptFrequency,
        })).ToList();

    /// <summary>CLIP's wide score table (scores.csv): CLIPMem with its parts, flags and atypicality per sample.</summary>
    public IReadOnlyList<ScoreRow> ScoreRows(ClipModel f, ClipModel g, ParadigmContext context, (string F, string G)? checkpoints)
    {
        var (embF, embG) = Embeddings(f, g, context, checkpoints);
        return new ClipMemEvaluation(context.Config, context.Data, embF, embG).ScoreRows();
    }

    /// <summary>
    /// f's and g's embeddings of every split (K views and the eval view per image, every caption), from the
    /// run directory's cache when it holds them for these checkpoints, else computed together and cached.
    /// </summary>
    public (EmbeddingSet F, EmbeddingSet G) Embeddings(ClipModel f, ClipModel g, ParadigmContext context, (string F, string G)? checkpoints)
    {
        if (_embeddings is { } last && ReferenceEquals(last.F, f) && ReferenceEquals(last.G, g) && last.Checkpoints == checkpoints)
            return (last.EmbF, last.EmbG);
        var phase = Stopwatch.StartNew();
        var scoring = context.Config.Scoring;
        var ids = Enum.GetValues<Split>().SelectMany(context.Data.Plan.Members).ToList();
        var wanted = new[] { ("f", f, checkpoints?.F), ("g", g, checkpoints?.G) }.Select(m =>
        {
            string provenance = EmbeddingSet.Describe(new
            {
                model = m.Item1,
                checkpoint = m.Item3 ?? "none",
                config = context.Run.ConfigHash,
                views = scoring.Views,
                precision = m.Item2.Precision.ToString(),
                seed = context.Config.Seed,
                samples = ids.Count,
            });
            string path = context.Run.PathOf($"embeddings_{m.Item1}.bin");
            return (Model: m.Item2, Provenance: provenance, Path: path, Cached: EmbeddingSet.TryLoad(path, provenance, context.Log));
        }).ToList();
        var missing = wanted.Where(w => w.Cached is null).ToList();
        // The captions scored are data.scoring_captions_per_image of each image (by default the trained ones).
        var embedder = new ClipEmbedder(Images(context).WithCaptionsOf(context.Data.Scored), Pipeline(context, context.Data.Plan.MembershipOfF),
            context.Config.Data.Resolution, scoring.Views, context.Config.Seed, context.Device, scoringViews: ScoringTransform(context.Config));
        var computed = embedder.Embed(missing.Select(w => (w.Model, w.Provenance)).ToList(), ids);
        for (int k = 0; k < missing.Count; k++) computed[k].Save(missing[k].Path);
        if (missing.Count > 0)
            context.Log.WriteLine($"embedded {ids.Count} samples x {scoring.Views + 1} views with {string.Join(" and ", missing.Select(m => wanted.IndexOf(m) == 0 ? "f" : "g"))} in {phase.Elapsed.TotalSeconds:F0} s");
        var sets = wanted.Select(w => w.Cached ?? computed[missing.IndexOf(w)]).ToList();
        _embeddings = (f, g, checkpoints, sets[0], sets[1]);
        return (sets[0], sets[1]);
    }

    /// <summary>Training batches (and caption encoding) for these members with the preset's training transform.</summary>
    public ClipDataPipeline Pipeline(ParadigmContext context, IReadOnlyList<SampleId> members)
    {
        var config = context.Config;
        var tokenizer = Tokenizer(context);
        return new ClipDataPipeline(Images(context), members, tokenizer, ModelConfig(config, tokenizer.VocabularySize).Text.ContextLength,
            config.Data.Resolution, config.Data.Transform, config.Seed, context.Device);
    }

    /// <summary>The K scoring views: drawn from the training transform, without flips (a flip would change the caption).</summary>
    public static AugmentationOptions ScoringTransform(ExperimentConfig config) => config.Data.Transform with { FlipProbability = 0 };
}
