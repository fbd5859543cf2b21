using ClipMem.Memorization;

namespace ClipMem.Benchmarks;

/// <summary>Everything `clipmem bench` measured; serialised as bench.json (snake_case). Rates are medians of the runs listed beside them.</summary>
public sealed record BenchReport(
    IReadOnlyDictionary<string, string> Versions,
    ThreadSettings Threads,
    BenchSettings Settings,
    MachineLimit Machine,
    ModelFigures Reference,
    ModelFigures Quick,
    Bf16Figures Bf16,
    ThreadPlacementFigures ThreadPlacement,
    JobPlacementFigures JobPlacement,
    PeerFigures Peer,
    IReadOnlyList<TargetCheck> Targets,
    long ProcessPeakRssBytes,
    bool NativeAllocatorKeepsFreedMemory,
    string WrittenAtUtc);

public sealed record ThreadSettings(int TorchThreads, int ProcessorCount, string? OmpNumThreads, string Placement);

public sealed record BenchSettings(int Runs, int BatchSize, int WarmupSteps, int BareSteps, int PipelineSteps, int PipelineImages,
    int ScoringSamples, int ScoringViews, int VocabularySize, ulong Seed);

/// <param name="Bf16MatmulGflopsBySize">The same square matmul in bfloat16: every size where the CPU has bf16 arithmetic, else the smallest, to show it would not pay.</param>
/// <param name="Bf16BestMatmulGflops">The best of those: the ceiling the bf16 models' utilisation divides by.</param>
/// <param name="Bf16Hardware">Whether the CPU has bf16 arithmetic (AVX512-BF16 or AMX); without it libtorch converts and computes in fp32.</param>
public sealed record MachineLimit(IReadOnlyDictionary<string, double> MatmulGflopsBySize, double BestMatmulGflops,
    IReadOnlyDictionary<string, double> Bf16MatmulGflopsBySize, double Bf16BestMatmulGflops, bool Bf16Hardware, string Precision);

/// <summary>Milliseconds per bare training step by phase: forward (towers and loss), backward, optimiser (AdamW, clamp, read-out, disposal).</summary>
public sealed record StepProfile(double ForwardMs, double BackwardMs, double OptimizerMs)
{
    public double TotalMs => ForwardMs + BackwardMs + OptimizerMs;
}

/// <param name="Precision">The transformer blocks' matmul format (fp32 or bf16; <see cref="ClipMem.Models.MatmulPrecision"/>).</param>
public sealed record ModelFigures(
    string Name,
    string Precision,
    string Architecture,
    long Parameters,
    double TrainingGflopPerSample,
    double BareStepSamplesPerSecond,
    IReadOnlyList<double> BareStepRuns,
    double FullPipelineSamplesPerSecond,
    IReadOnlyList<double> FullPipelineRuns,
    double ScoringViewsPerSecondPerModel,
    double ScoringSampleViewsPerSecondFAndG,
    IReadOnlyList<double> ScoringRuns,
    double BareStepAchievedGflops,
    double ModelFlopUtilisation,
    double ScoringViewOverTrainingSample,
    long PeakRssBytes,
    StepProfile? BareStepProfile,
    EmbeddingTimings? ScoringTimings = null);

/// <summary>
/// The same models with bf16 matrix products, measured in the same runs as the fp32 figures (interleaved), where
/// the CPU has bf16 arithmetic; elsewhere skipped, with why.
/// </summary>
public sealed record Bf16Figures(string Status, string? Message, IReadOnlyList<Bf16Speedup> Models);

/// <param name="Bf16">The model's figures in bf16.</param>
/// <param name="BareStepSpeedup">bf16 over fp32 samples/s of the bare step; likewise the pipeline and scoring (views/s).</param>
/// <param name="AutoScoringOverTraining">
/// The scoring ratio as `--precision auto` runs on this CPU: scoring views/s over bare-step samples/s, each in the precision auto picks for its phase.
/// </param>
public sealed record Bf16Speedup(string Model, ModelFigures Bf16, double BareStepSpeedup, double PipelineSpeedup, double ScoringSpeedup,
    double AutoScoringOverTraining);

public sealed record ThreadPlacementFigures(
    string Model,
    double OneModelAllThreadsSamplesPerSecond,
    double TwoModelsOneThreadEachSamplesPerSecond,
    IReadOnlyList<double> TwoModelsRuns,
    double Speedup,
    string Faster);

/// <summary>
/// The main job's training placement measured as it runs: f and g as two `clipmem train` processes at once, one
/// thread each, against one after the other on all threads. Wall seconds (medians), prepared run directories of
/// <paramref name="Preset"/> trained for <paramref name="Epochs"/> epochs from scratch.
/// </summary>
public sealed record JobPlacementFigures(
    string Preset,
    int Epochs,
    double ConcurrentSeconds,
    IReadOnlyList<double> ConcurrentRuns,
    double SequentialSeconds,
    IReadOnlyList<double> SequentialRuns,
    double Speedup,
    string Faster);

/// <param name="SettingsMeasured">Every setting, or with --peer-best-only the best ones of an earlier bench (then the "best" is that one, not found anew).</param>
public sealed record PeerFigures(
    string Status,
    string? Message,
    string? Script,
    string? TorchVersion,
    int? Threads,
    int? DataLoaderWorkers,
    long? Parameters,
    double? BareStepSamplesPerSecond,
    IReadOnlyList<double>? BareStepRuns,
    double? FullPipelineSamplesPerSecond,
    IReadOnlyList<double>? FullPipelineRuns,
    double? BareStepRatioWorkbenchOverPytorch,
    double? FullPipelineRatioWorkbenchOverPytorch,
    IReadOnlyDictionary<string, double>? BareStepByThreads,
    string? BestThreads,
    double? BareStepRatioAgainstPeerBestThreads,
    IReadOnlyDictionary<string, double>? FullPipelineByThreadsAndWorkers,
    string? BestPipelineThreadsAndWorkers,
    double? FullPipelineRatioAgainstPeerBest,
    string? SettingsMeasured = null);

/// <summary>One of the done-when targets and where the measurement stands against it.</summary>
public sealed record TargetCheck(string Name, double Target, double? Measured, bool? Met);
