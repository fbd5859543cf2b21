using ClipMem.Data.Synthetic;

namespace ClipMem.Experiments.Regime;

/// <summary>One run of the regime study: which factor it varies, to what, and the whole config.</summary>
public sealed record RegimePoint(string Factor, string Setting, ExperimentConfig Config)
{
    /// <summary>Its run directory's name inside the study's folder.</summary>
    public string Name => Factor == RegimeGrid.Baseline ? Factor : $"{Factor}-{Setting}";
}

/// <summary>
/// The settings the regime study varies around a preset, one factor at a time (issue: when does memorization
/// appear?): epochs, batch size, pool size, model size, captions per image, augmentation strength and the synthetic world's
/// difficulty. The preset itself is the shared baseline, run once.
/// </summary>
public static class RegimeGrid
{
    public const string Baseline = "baseline";

    public static IReadOnlyList<string> Factors { get; } = ["epochs", "batch", "pool", "model", "captions", "augmentation", "world"];

    /// <summary>The world factor's settings: each one knob of <see cref="SceneWorld"/> moved from the default.</summary>
    public static IReadOnlyList<SceneWorld> WorldSettings { get; } =
    [
        SceneWorld.Default with { ColourMention = 0.5 },
        SceneWorld.Default with { PositionMention = 0.3 },
        SceneWorld.Default with { TailKinds = 1200 },
        SceneWorld.Default with { HeadWeight = 1 },
    ];

    public static IReadOnlyList<RegimePoint> Around(ExperimentConfig baseline, IReadOnlyCollection<string>? factors = null)
    {
        factors ??= Factors;
        foreach (var factor in factors.Where(f => !Factors.Contains(f)))
            throw new ArgumentException($"regime factor '{factor}': allowed values are {string.Join(", ", Factors)}.");
        var (data, recipe) = (baseline.Data, baseline.Recipe);
        var variations = new List<(string Factor, ExperimentConfig Config)>();
        if (factors.Contains("epochs"))
            foreach (int epochs in new[] { recipe.Epochs / 3, recipe.Epochs * 2 / 3, recipe.Epochs * 5 / 3 }.Where(e => e >= 1).Distinct())
                variations.Add(("epochs", baseline.WithEpochs(epochs)));
        if (factors.Contains("batch"))
            // The learning rate stays: a smaller batch takes more optimiser steps over the same exposures (and has fewer negatives).
            foreach (int batch in new[] { recipe.BatchSize / 2, recipe.BatchSize * 2 }.Where(b => b >= 2))
                variations.Add(("batch", baseline with { Recipe = recipe with { BatchSize = batch } }));
        if (factors.Contains("pool"))
            foreach (int pool in new[] { data.PoolSize / 2, data.PoolSize * 2 })
                variations.Add(("pool", baseline with { Data = data with { PoolSize = pool } }));
        if (factors.Contains("model"))
            foreach (string size in new[] { "tiny", "quick", "bench" }.Where(s => s != baseline.Model.Size))
                variations.Add(("model", baseline with { Model = baseline.Model with { Size = size } }));
        if (factors.Contains("captions"))
            foreach (int captions in new[] { 2, DataSettings.MaxCaptionsPerImage }.Where(c => c != data.CaptionsPerImage))
                variations.Add(("captions", baseline with { Data = data with { CaptionsPerImage = captions } }));
        if (factors.Contains("augmentation"))
            foreach (double crop in new[] { 0.4, 0.9 }.Where(c => c != data.Transform.CropScaleMin))
                variations.Add(("augmentation", baseline with { Data = data with { Transform = data.Transform with { CropScaleMin = crop } } }));
        if (factors.Contains("world"))
        {
            if (data.Dataset != DataSettings.DefaultDataset)
                throw new ArgumentException($"regime factor 'world' varies the synthetic scenes; the baseline's dataset is {data.Dataset}.");
            var world = data.World ?? SceneWorld.Default;
            foreach (var setting in WorldSettings.Where(w => w != world))
                variations.Add(("world", baseline with { Data = data with { World = setting } }));
        }
        return [new(Baseline, baseline.Preset, baseline), .. variations.Select(v => new RegimePoint(v.Factor, SettingOf(v.Factor, v.Config), v.Config))];
    }

    /// <summary>How a config reads along one factor ("36", "4800", "crop0.7"); the baseline's place on each factor's axis.</summary>
    public static string SettingOf(string factor, ExperimentConfig config) => factor switch
    {
        "epochs" => $"{config.Recipe.Epochs}",
        "batch" => $"{config.Recipe.BatchSize}",
        "pool" => $"{config.Data.PoolSize}",
        "model" => config.Model.Size,
        "captions" => $"{config.Data.CaptionsPerImage}",
        "augmentation" => $"crop{config.Data.Transform.CropScaleMin.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture)}",
        // "colour0.5", "tail1200-head1": as a folder name can hold them.
        "world" => (config.Data.World ?? SceneWorld.Default).Describe(between: "", separator: "-"),
        _ => config.Preset,
    };
}
