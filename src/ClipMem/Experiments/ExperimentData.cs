using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;
using ClipMem.Data.Text;

namespace ClipMem.Experiments;

/// <summary>The data of one experiment: the pool, what f trains on (mis-captions injected), splits and injection.</summary>
public sealed record ExperimentData(CaptionDataset Pool, CaptionDataset Effective, SplitPlan Plan, MiscaptionInjection Injection, CaptionDataset Scored)
{
    /// <summary>
    /// Opens the dataset and derives splits and mis-caption injection from the config alone. Training sees the
    /// first data.captions_per_image captions of each image (Effective), scoring the first
    /// data.scoring_captions_per_image (Scored; by default the same), the pool keeps them all. It writes
    /// nothing, so a finished run can be reopened (and its samples shown) without touching its directory.
    /// </summary>
    public static ExperimentData Build(ExperimentConfig config, TextWriter log)
    {
        var settings = config.Data;
        bool synthetic = settings.Dataset is SyntheticScenes.DatasetName or "scenes" or "synthetic";
        var dataset = DatasetCatalog.Open(new DatasetRequest(settings.Dataset, settings.DataPath, config.Seed,
            synthetic ? settings.PoolSize : null, settings.Resolution, log, World: settings.World));
        var sizes = settings.Splits ?? SplitSizes.ScaledTo(Math.Min(dataset.Count, settings.PoolSize));
        var plan = SplitPlan.Create(dataset, sizes, config.Seed);
        var injection = MiscaptionInjection.Plan(plan, settings.MiscaptionFraction, config.Seed);
        log.WriteLine($"data: {dataset.Source}; S_S {sizes.Shared}, S_C {sizes.Candidates}, S_I {sizes.Independent}, S_E {sizes.Extra}; " +
                      $"{injection.Count} mis-captioned in S_C; {dataset.Count(s => s.Truth.IsAtypical)} atypical in the pool");
        int wanted = Math.Max(settings.CaptionsPerImage, settings.CaptionsScored);
        if (dataset.Count(s => s.Captions.Count < wanted) is > 0 and var short_)
        {
            // PAPER.md section 5, DECISION: the dataset's own captions where it has them, rule-based paraphrases past them.
            dataset = CaptionParaphraser.FillTo(dataset, wanted);
            log.WriteLine($"data: {short_} image(s) have fewer than {wanted} captions; rule-based paraphrases of their first caption fill them up");
        }
        var captioned = dataset.WithCaptionsPerImage(settings.CaptionsPerImage);
        // Generated images come from the true captions, so they are made before the mis-captions are injected.
        if (settings.GeneratedImages > 0)
        {
            captioned = GeneratedImages.Attach(captioned, settings.GeneratedImages, settings.Resolution, config.Seed);
            log.WriteLine($"data: training sees {settings.GeneratedImages} generated image(s) per sample in place of its own, " +
                          GeneratedImages.Describe(GeneratedImages.MethodFor(dataset)));
        }
        var trained = injection.ApplyTo(captioned);
        var scored = settings.CaptionsScored == settings.CaptionsPerImage ? trained : injection.ApplyTo(dataset.WithCaptionsPerImage(settings.CaptionsScored));
        return new ExperimentData(dataset, trained, plan, injection, scored);
    }
}

/// <summary>A scored run: where it lives, what it was, its summary, every sample's score row and its data.</summary>
public sealed record ClipMemResult(string RunDirectory, ExperimentConfig Config, ClipMemSummary Summary, IReadOnlyList<ScoreRow> Rows, ExperimentData Data);
