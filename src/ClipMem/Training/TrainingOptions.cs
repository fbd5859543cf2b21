namespace ClipMem.Training;

/// <summary>The optimisation recipe. Defaults are OpenCLIP's (AdamW betas 0.9/0.98, eps 1e-6) with the prototype's rate.</summary>
public sealed record TrainingOptions(
    int Epochs,
    int BatchSize,
    double LearningRate = 1e-3,
    double WeightDecay = 0.1,
    double Beta1 = 0.9,
    double Beta2 = 0.98,
    double Epsilon = 1e-6,
    double WarmupFraction = 0.05,
    ulong Seed = 0,
    int CheckpointEveryEpochs = 0,
    ClipMem.Models.MatmulPrecision Precision = ClipMem.Models.MatmulPrecision.Fp32)
{
    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be positive");
        if (BatchSize < 2) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "a contrastive batch needs at least 2 pairs");
        if (LearningRate <= 0) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive");
        if (WarmupFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "must be in [0, 1]");
    }
}

/// <summary>What the trainer reports after every step (CLI progress bar, notebook live chart).</summary>
public sealed record TrainingProgress(
    string RunName,
    int Step,
    int TotalSteps,
    int Epoch,
    double Loss,
    double LearningRate,
    double SamplesPerSecond,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, double> Metrics)
{
    public TimeSpan EstimatedRemaining =>
        Step == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Elapsed.TotalSeconds / Step * (TotalSteps - Step));
}
