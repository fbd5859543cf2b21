using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using static TorchSharp.torch;

namespace ClipMem.Experiments.Paradigms;

/// <summary>
/// The study's self-supervised paradigm (PAPER.md section 5) as a plug-in of the leave-set-out runner: DINO on the images
/// alone, f_ssl on the images of S_S + S_C and g_ssl on those of S_S + S_I, the same ViT as CLIP's image tower, scored by
/// SSLMem with the teacher's backbone (the encoder DINO evaluates). Captions and the mis-caption injection play no part:
/// a mis-captioned sample is an ordinary image here, which is what makes "CLIP memorizes mis-captions like supervised
/// learning, unlike SSL" testable.
/// </summary>
public sealed class DinoParadigm : IParadigm
{
    public const string ParadigmName = "dino";
    public const string ScoreName = "sslmem";

    private (ExperimentData Data, ImageCache Cache)? _images;

    public string Name => ParadigmName;

    public IReadOnlyList<string> ModelSizes => DinoConfig.Sizes;

    public void Prepare(ParadigmContext context) => Images(context);

    public static DinoRecipe Recipe(ExperimentConfig config) => config.Dino ?? DinoRecipe.Default;

    public static DinoConfig ModelConfig(ExperimentConfig config) => DinoConfig.Load(config.Model.Size, config.Data.Resolution);

    public nn.Module CreateModel(ParadigmContext context) => new DinoModel(ModelConfig(context.Config));

    public VisionTransformer ImageTower(nn.Module model) => ((DinoModel)model).Teacher;

    /// <summary>The multi-crop augmentation of the run: DINO's, at the data's resolution and the backbone's patch size.</summary>
    public static MultiCrop Crops(ExperimentConfig config)
    {
        var recipe = Recipe(config);
        return new MultiCrop(config.Data.Resolution, ModelConfig(config).Vision.PatchSize, recipe.LocalCrops, recipe.GlobalCropScaleMin,
            recipe.LocalCropScaleMin, recipe.LocalCropScaleMax, config.Seed);
    }

    public int Train(nn.Module model, IReadOnlyList<SampleId> members, ParadigmContext context, TrainingOptions options, TrainingRunPaths paths,
        Action<TrainingProgress>? progress)
    {
        var recipe = Recipe(context.Config);
        var task = new DinoTrainingTask((DinoModel)model, Images(context), members, Crops(context.Config), recipe, options.BatchSize, context.Device);
        return new Trainer<MultiCropBatch>(task, recipe.Optimiser(options), paths) { Progress = progress }.Run();
    }

    /// <summary>
    /// SSLMem of every sample of every split: raw = d(g) - d(f) between the un-augmented image and K views drawn from the
    /// global crops' transform (crop, flip, colour jitter, grayscale; DINO's blur and solarisation are left out of the
    /// scoring views), normalised by the range over S_C.
    /// </summary>
    public IReadOnlyList<ScoreRecord> Score(nn.Module f, nn.Module g, ParadigmContext context)
    {
        var config = context.Config;
        var plan = context.Data.Plan;
        var ids = Enum.GetValues<Split>().SelectMany(plan.Members).ToList();
        var measurement = new SslMemMeasurement(Images(context), config.Data.Resolution, config.Scoring.Views, config.Seed,
            Crops(config).GlobalTransform, context.Device);
        var scores = measurement.Score(ImageTower(f), ImageTower(g), ids);
        var candidates = plan.Members(Split.Candidates).ToHashSet();
        double range = ClipMemScorer.Range(scores.Where(s => candidates.Contains(s.Id)).Select(s => s.Raw));
        return scores.Select(s => new ScoreRecord(s.Id.Value, plan.SplitOf(s.Id)!.Value.Short(), ParadigmName, ScoreName, s.Raw, s.Raw / range,
            new Dictionary<string, double> { ["distance_f"] = s.DistanceF, ["distance_g"] = s.DistanceG })).ToList();
    }

    private ImageCache Images(ParadigmContext context)
    {
        if (_images is { } cached && ReferenceEquals(cached.Data, context.Data)) return cached.Cache;
        var cache = new ImageCache(context.Data.Effective, context.Config.Data.Resolution);
        _images = (context.Data, cache);
        return cache;
    }
}
