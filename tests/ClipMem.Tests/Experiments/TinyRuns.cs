using ClipMem.Experiments;
using ClipMem.Experiments.Mitigations;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>
/// Two finished tiny runs on the same data, shared by the tests of the torch collection that read runs:
/// the baseline (seed 0) and the same config trained with the study's text-embedding noise (sigma 0.15).
/// Each is trained on first use only (about 15 s each on 2 cores).
/// </summary>
public sealed class TinyRuns : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly Lazy<ClipMemResult> _baseline;
    private readonly Lazy<ClipMemResult> _textNoise;

    public static ExperimentConfig BaselineConfig { get; } = ExperimentPreset.Tiny;
    public static ExperimentConfig TextNoiseConfig { get; } = BaselineConfig.With(new TextEmbeddingNoise(0.15));

    public TinyRuns()
    {
        _baseline = new(() => Train("baseline", BaselineConfig));
        _textNoise = new(() => Train("text-noise", TextNoiseConfig));
    }

    public ClipMemResult Baseline => _baseline.Value;
    public ClipMemResult TextNoise => _textNoise.Value;

    private ClipMemResult Train(string name, ExperimentConfig config)
    {
        var runtime = new RuntimeOptions(Threads: 2);
        var run = RunDirectory.Open(Path.Combine(_root.Path, name), config, runtime);
        return new ClipMemExperiment(config, runtime, run, TextWriter.Null).Run();
    }

    public void Dispose() => _root.Dispose();
}
