using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;

namespace ClipMem.Experiments;

/// <summary>The data of one experiment: the pool, what f trains on (mis-captions injected), splits and injection.</summary>
public sealed record ExperimentData(CaptionDataset Pool, CaptionDataset Effective, SplitPlan Plan, MiscaptionInjection Injection)
{
    /// <summary>
    /// Opens the dataset and derives splits and mis-caption injection from the config alone; training and
    /// scoring see the first CaptionsPerImage captions of each image (Effective), the pool keeps them all. and derives splits and mis-caption injection from the config alone. It writes
    /// nothing, so a finished run can be reopened (and its samples shown) without touching its directory.
    /// </summary>
    public static ExperimentData Build(ExperimentConfig config, TextWriter log)
    {
        var preset = config.Preset;
        bool synthetic = config.Dataset is SyntheticScenes.DatasetName or "scenes" or "synthetic";
        var dataset = DatasetCatalog.Open(new DatasetRequest(config.Dataset, config.DataPath, config.Seed,
            synthetic ? preset.PoolSize : null, preset.Resolution, log));
        var sizes = preset.Splits ?? SplitSizes.ScaledTo(Math.Min(dataset.Count, preset.PoolSize));
        var plan = SplitPlan.Create(dataset, sizes, config.Seed);
        var injection = MiscaptionInjection.Plan(plan, preset.MiscaptionFraction, config.Seed);
        log.WriteLine($"data: {dataset.Source}; S_S {sizes.Shared}, S_C {sizes.Candidates}, S_I {sizes.Independent}, S_E {sizes.Extra}; " +
                      $"{injection.Count} mis-captioned in S_C; {dataset.Count(s => s.Truth.IsAtypical)} atypical in the pool");
        return new ExperimentData(dataset, injection.ApplyTo(dataset.WithCaptionsPerImage(config.CaptionsPerImage)), plan, injection);
    }
}

/// <summary>A scored run: where it lives, what it was, its summary, every sample's score row and its data.</summary>
public sealed record ClipMemResult(string RunDirectory, ExperimentConfig Config, ClipMemSummary Summary, IReadOnlyList<ScoreRow> Rows, ExperimentData Data);
