namespace ClipMem.Benchmarks;

/// <summary>Everything `clipmem bench` measured; serialised as bench.json (snake_case). Rates are medians of the runs listed beside them.</summary>
public sealed record BenchReport(
    IReadOnlyDictionary<string, string> Versions,
    ThreadSettings Threads,
    BenchSettings Settings,
    MachineLimit Machine,
    ModelFigures Reference,
    ModelFigures Quick,
    ThreadPlacementFigures ThreadPlacement,
    PeerFigures Peer,
    IReadOnlyList<TargetCheck> Targets,
    long ProcessPeakRssBytes,
    string WrittenAtUtc);

public sealed record ThreadSettings(int TorchThreads, int ProcessorCount, string? OmpNumThreads, string Placement);

public sealed record BenchSettings(int Runs, int BatchSize, int WarmupSteps, int BareSteps, int PipelineSteps, int PipelineImages,
    int ScoringSamples, int ScoringViews, int VocabularySize, ulong Seed);

public sealed record MachineLimit(IReadOnlyDictionary<string, double> MatmulGflopsBySize, double BestMatmulGflops);

public sealed record ModelFigures(
    string Name,
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
    long PeakRssBytes);

public sealed record ThreadPlacementFigures(
    string Model,
    double OneModelAllThreadsSamplesPerSecond,
    double TwoModelsOneThreadEachSamplesPerSecond,
    IReadOnlyList<double> TwoModelsRuns,
    double Speedup,
    string Faster);

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
    double? BareStepRatioAgainstPeerBestThreads);

/// <summary>One of the done-when targets and where the measurement stands against it.</summary>
public sealed record TargetCheck(string Name, double Target, double? Measured, bool? Met);
