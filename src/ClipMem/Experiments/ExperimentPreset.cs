using ClipMem.Data.Splits;
using ClipMem.Models;

namespace ClipMem.Experiments;

/// <summary>
/// A named size for the whole experiment: data, model, recipe and scoring. tiny: tests, seconds; quick: the
/// default main job, minutes on 2 CPU cores; paper: the study's COCO setting, for a GPU.
/// </summary>
public sealed record ExperimentPreset(
    string Name,
    int PoolSize,
    SplitSizes? Splits,
    int Resolution,
    int VocabularySize,
    string Model,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    double WarmupFraction,
    double CropScaleMin,
    int ScoringViews,
    int ReferenceSize,
    double MiscaptionFraction,
    int ProbeTrain,
    int ProbeTest,
    int ProbeEpochs)
{
    public static ExperimentPreset Tiny { get; } = new(
        "tiny", PoolSize: 960, Splits: null, Resolution: 32, VocabularySize: 600, Model: "tiny",
        Epochs: 12, BatchSize: 64, LearningRate: 2e-3, WeightDecay: 0.1, WarmupFraction: 0.05, CropScaleMin: 0.7,
        ScoringViews: 4, ReferenceSize: 60, MiscaptionFraction: 0.1,
        ProbeTrain: 450, ProbeTest: 270, ProbeEpochs: 6);

    public static ExperimentPreset Quick { get; } = new(
        "quick", PoolSize: 4800, Splits: null, Resolution: 32, VocabularySize: 1000, Model: "quick",
        Epochs: 24, BatchSize: 128, LearningRate: 2e-3, WeightDecay: 0.1, WarmupFraction: 0.05, CropScaleMin: 0.7,
        ScoringViews: 10, ReferenceSize: 256, MiscaptionFraction: 0.05,
        ProbeTrain: 2700, ProbeTest: 900, ProbeEpochs: 20);

    /// <summary>The study's COCO setting: 65k/5k/5k/5k, ViT-B/32 at 224 px, 100 epochs, batch 128, OpenCLIP's AdamW.</summary>
    public static ExperimentPreset Paper { get; } = new(
        "paper", PoolSize: SplitSizes.Paper.Total, Splits: SplitSizes.Paper, Resolution: 224, VocabularySize: 49_408, Model: "paper",
        Epochs: 100, BatchSize: 128, LearningRate: 5e-4, WeightDecay: 0.2, WarmupFraction: 0.02, CropScaleMin: 0.9,
        ScoringViews: 10, ReferenceSize: 256, MiscaptionFraction: 0.05,
        ProbeTrain: 9000, ProbeTest: 4500, ProbeEpochs: 30);

    public static IReadOnlyList<ExperimentPreset> All { get; } = [Tiny, Quick, Paper];

    public static ExperimentPreset Named(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", All.Select(p => p.Name))}.");

    public ClipConfig ModelConfig(int vocabularySize)
    {
        var config = ClipModelConfigs.Load(Model, vocabularySize);
        return config with { Vision = config.Vision with { ImageSize = Resolution } };
    }
}
