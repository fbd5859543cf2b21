using ClipMem.Memorization;
using ClipMem.Models;

namespace ClipMem.Benchmarks;

/// <summary>
/// One model configuration under measurement, in one matmul precision: a training bench (the model f), a
/// second model g for scoring and the thread-placement figure, and the per-run figures collected so far.
/// The same seeds give the same initial weights in either precision, so a bf16 instance differs from its
/// fp32 twin only in how the transformer blocks multiply.
/// </summary>
internal sealed class ModelUnderTest : IDisposable
{
    private readonly BenchOptions _options;
    private readonly ScoringBench _scoring;
    private long _peakRss;

    public string Name { get; }
    public MatmulPrecision Precision { get; }
    public ClipConfig Config { get; }
    public TrainingStepBench Training { get; }
    public TrainingStepBench Second { get; }
    public List<double> BareRuns { get; } = [];
    public List<double> PipelineRuns { get; } = [];
    public List<double> ScoringRuns { get; } = [];
    public List<StepProfile> ProfileRuns { get; } = [];
    public List<EmbeddingTimings> ScoringTimings { get; } = [];

    public ModelUnderTest(string name, ClipConfig config, BenchDataset data, BenchOptions options, MatmulPrecision precision = MatmulPrecision.Fp32)
    {
        Name = name;
        Precision = precision;
        Config = config;
        _options = options;
        Training = new TrainingStepBench(config, data, options.BatchSize, options.Seed);
        Second = new TrainingStepBench(config, data, options.BatchSize, options.Seed + 1);
        Training.Model.Precision = precision;
        Second.Model.Precision = precision;
        _scoring = new ScoringBench(config, data, options.ScoringSamples, options.ScoringViews, options.Seed);
    }

    public void MeasureOnce()
    {
        // Where the reset works (Linux) the peak is this model's phases only; elsewhere the process's peak so far.
        PeakMemory.TryReset();
        BareRuns.Add(Training.BareStep(_options.BareSteps, _options.WarmupSteps));
        ProfileRuns.Add(Training.LastBareStepProfile!);
        PipelineRuns.Add(Training.FullPipeline(_options.PipelineSteps));
        ScoringRuns.Add(_scoring.ViewsPerSecondPerModel(Training.Model, Second.Model));
        ScoringTimings.Add(_scoring.LastTimings!);
        _peakRss = Math.Max(_peakRss, PeakMemory.PeakBytes());
    }

    public ModelFigures Figures(double matmulGflops)
    {
        double flops = ModelFlops.TrainingPerSample(Config);
        double bare = BenchStatistics.Median(BareRuns);
        double scoring = BenchStatistics.Median(ScoringRuns);
        double achieved = bare * flops / 1e9;
        return new ModelFigures(Name, Precision.ToString().ToLowerInvariant(), Describe(Config), Training.Model.ParameterCount(), flops / 1e9,
            bare, BareRuns, BenchStatistics.Median(PipelineRuns), PipelineRuns,
            scoring, scoring / 2, ScoringRuns,
            achieved, achieved / matmulGflops, scoring / bare, _peakRss,
            new StepProfile(BenchStatistics.Median(ProfileRuns.Select(p => p.ForwardMs).ToList()),
                BenchStatistics.Median(ProfileRuns.Select(p => p.BackwardMs).ToList()),
                BenchStatistics.Median(ProfileRuns.Select(p => p.OptimizerMs).ToList())),
            new EmbeddingTimings(BenchStatistics.Median(ScoringTimings.Select(t => t.RenderSeconds).ToList()),
                BenchStatistics.Median(ScoringTimings.Select(t => t.StackSeconds).ToList()),
                BenchStatistics.Median(ScoringTimings.Select(t => t.ImageForwardSeconds).ToList()),
                BenchStatistics.Median(ScoringTimings.Select(t => t.TextSeconds).ToList())));
    }

    private static string Describe(ClipConfig c) =>
        $"ViT {c.Vision.ImageSize}px patch {c.Vision.PatchSize} width {c.Vision.Width} x{c.Vision.Layers} heads {c.Vision.Heads}; " +
        $"text ctx {c.Text.ContextLength} vocab {c.Text.VocabularySize} width {c.Text.Width} x{c.Text.Layers} heads {c.Text.Heads}; embed {c.EmbedDim}";

    public void Dispose()
    {
        Training.Dispose();
        Second.Dispose();
    }
}
