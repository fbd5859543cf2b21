namespace ClipMem.Benchmarks;

/// <summary>
/// How much `clipmem bench` measures. Figures are medians over <see cref="Runs"/> interleaved runs
/// (workbench and peer alternate, so a slow spell on the machine hits both sides).
/// </summary>
public sealed record BenchOptions(
    int Runs = 5,
    int BatchSize = 128,
    int Threads = 2,
    int WarmupSteps = 2,
    int BareSteps = 10,
    int PipelineSteps = 10,
    int ScoringSamples = 256,
    int ScoringViews = 10,
    int VocabularySize = 1000,
    int[]? MatmulSizes = null,
    bool RunPeer = true,
    bool ThreadPlacement = true,
    string PythonPath = "/usr/bin/python3",
    string? PeerScript = null,
    ulong Seed = 0,
    PeerSetting? PeerBestOnly = null,
    string JobPlacementPreset = "quick",
    int JobPlacementEpochs = 2)
{
    public IReadOnlyList<int> EffectiveMatmulSizes => MatmulSizes ?? [512, 1024, 2048];

    /// <summary>Images exported for the full-pipeline measurement: one epoch of the timed steps, so each image is decoded once per run.</summary>
    public int PipelineImages => BatchSize * PipelineSteps;

    /// <summary>A run of seconds that exercises every part (tests, a smoke check): no timing value.</summary>
    public static BenchOptions QuickCheck { get; } = new(
        Runs: 1, BatchSize: 8, WarmupSteps: 1, BareSteps: 2, PipelineSteps: 2, ScoringSamples: 8, ScoringViews: 2,
        VocabularySize: 600, MatmulSizes: [64], RunPeer: false, JobPlacementPreset: "tiny", JobPlacementEpochs: 1);

    public void Validate()
    {
        if (Runs < 1) throw new ArgumentOutOfRangeException(nameof(Runs), Runs, "must be at least 1");
        if (BatchSize < 2) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "a contrastive batch needs at least 2 pairs");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be at least 1");
        if (BareSteps < 1 || PipelineSteps < 1) throw new ArgumentOutOfRangeException(nameof(BareSteps), "timed steps must be at least 1");
        if (ScoringSamples < 1 || ScoringViews < 1) throw new ArgumentOutOfRangeException(nameof(ScoringSamples), "scoring needs samples and views");
        if (JobPlacementEpochs < 1) throw new ArgumentOutOfRangeException(nameof(JobPlacementEpochs), JobPlacementEpochs, "must be at least 1");
    }
}
