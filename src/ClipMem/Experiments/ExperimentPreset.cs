using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Experiments.Paradigms;
using ClipMem.Training;

namespace ClipMem.Experiments;

/// <summary>
/// The named starting points for a whole experiment: data, model, recipe and scoring. tiny: tests, seconds;
/// quick: the default main job, minutes on 2 CPU cores; paper: the study's COCO setting, for a GPU. Each is
/// a complete <see cref="ExperimentConfig"/>; change a section with `with`.
/// </summary>
public static class ExperimentPreset
{
    public static ExperimentConfig Tiny { get; } = new(
        "tiny",
        Data(poolSize: 960, splits: null, resolution: 32, miscaptionFraction: 0.1, cropScaleMin: 0.7),
        new ModelSettings(ClipParadigm.ParadigmName, "tiny", VocabularySize: 600),
        Recipe(epochs: 12, batchSize: 64, learningRate: 2e-3, weightDecay: 0.1, warmupFraction: 0.05),
        new ScoringSettings(Views: 4, ReferenceSize: 60),
        new UtilitySettings(ProbeTrain: 450, ProbeTest: 270, ProbeEpochs: 6),
        []);

    public static ExperimentConfig Quick { get; } = new(
        "quick",
        Data(poolSize: 4800, splits: null, resolution: 32, miscaptionFraction: 0.05, cropScaleMin: 0.7),
        new ModelSettings(ClipParadigm.ParadigmName, "quick", VocabularySize: 1000),
        Recipe(epochs: 36, batchSize: 128, learningRate: 2e-3, weightDecay: 0.1, warmupFraction: 0.05),
        new ScoringSettings(Views: 10, ReferenceSize: 256),
        new UtilitySettings(ProbeTrain: 2700, ProbeTest: 900, ProbeEpochs: 20),
        []);

    /// <summary>The study's COCO setting: 65k/5k/5k/5k, ViT-B/32 at 224 px, 100 epochs, batch 128, OpenCLIP's AdamW.</summary>
    public static ExperimentConfig Paper { get; } = new(
        "paper",
        Data(poolSize: SplitSizes.Paper.Total, splits: SplitSizes.Paper, resolution: 224, miscaptionFraction: 0.05, cropScaleMin: 0.9),
        new ModelSettings(ClipParadigm.ParadigmName, "paper", VocabularySize: 49_408),
        Recipe(epochs: 100, batchSize: 128, learningRate: 5e-4, weightDecay: 0.2, warmupFraction: 0.02),
        new ScoringSettings(Views: 10, ReferenceSize: 256),
        new UtilitySettings(ProbeTrain: 9000, ProbeTest: 4500, ProbeEpochs: 30),
        []);

    public static IReadOnlyList<ExperimentConfig> All { get; } = [Tiny, Quick, Paper];

    public static ExperimentConfig Named(string name) =>
        All.FirstOrDefault(p => p.Preset == name)
        ?? throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", All.Select(p => p.Preset))}.");

    private static DataSettings Data(int poolSize, SplitSizes? splits, int resolution, double miscaptionFraction, double cropScaleMin) =>
        new(DataSettings.DefaultDataset, DataPath: null, poolSize, splits, resolution, CaptionsPerImage: 1, ScoringCaptionsPerImage: null,
            miscaptionFraction, AugmentationOptions.Training with { CropScaleMin = cropScaleMin });

    // OpenCLIP's AdamW (betas 0.9/0.98, eps 1e-6).
    private static TrainingOptions Recipe(int epochs, int batchSize, double learningRate, double weightDecay, double warmupFraction) =>
        new(epochs, batchSize, learningRate, weightDecay, WarmupFraction: warmupFraction, CheckpointEveryEpochs: ExperimentConfig.CheckpointInterval(epochs));
}
