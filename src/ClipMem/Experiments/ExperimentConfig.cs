using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClipMem.Common;
using ClipMem.Experiments.Mitigations;
using ClipMem.Experiments.Paradigms;
using ClipMem.Training;

namespace ClipMem.Experiments;

/// <summary>
/// Everything that determines an experiment's results, in the sections a researcher thinks in: data, model,
/// recipe (the trainer's own <see cref="TrainingOptions"/>), scoring, utility and the mitigations applied. Its
/// hash names the run directory's content: the same config reuses trained models, embeddings and scores; a
/// different one never overwrites them. Device and thread count are <see cref="RuntimeOptions"/>, recorded
/// but not part of the identity. The named starting points are <see cref="ExperimentPreset"/>.
/// </summary>
public sealed record ExperimentConfig(
    string Preset,
    DataSettings Data,
    ModelSettings Model,
    TrainingOptions Recipe,
    ScoringSettings Scoring,
    UtilitySettings Utility,
    IReadOnlyList<Mitigation> Mitigations,
    ulong Seed = 0,
    DinoRecipe? Dino = null)
{
    /// <summary>The mitigation of this kind the config applies, or null.</summary>
    public T? Mitigation<T>() where T : Mitigation => Mitigations.OfType<T>().SingleOrDefault();

    /// <summary>This config with the mitigation of its kind replaced (or added); null removes the kind.</summary>
    public ExperimentConfig With<T>(T? mitigation) where T : Mitigation =>
        this with { Mitigations = [.. Mitigations.Where(m => m is not T), .. mitigation is null ? [] : new Mitigation[] { mitigation }] };

    /// <summary>This config on another dataset (and folder, for the datasets a researcher provides).</summary>
    public ExperimentConfig WithDataset(string dataset, string? dataPath = null) => this with { Data = Data with { Dataset = dataset, DataPath = dataPath } };

    /// <summary>This config trained for another number of epochs, with a checkpoint every quarter of the training.</summary>
    public ExperimentConfig WithEpochs(int epochs) => this with { Recipe = Recipe with { Epochs = epochs, CheckpointEveryEpochs = CheckpointInterval(epochs) } };

    /// <summary>A checkpoint every quarter of the training: what a killed run loses at most.</summary>
    public static int CheckpointInterval(int epochs) => Math.Max(1, epochs / 4);

    /// <summary>One line for logs and notebooks: preset, dataset, seed, captions and the mitigations applied.</summary>
    public string Describe() =>
        $"preset {Preset}, dataset {Data.Dataset}, seed {Seed}, {Data.CaptionsPerImage} caption(s) per image, {DescribeMitigations()}";

    /// <summary>"mitigations: none", or the mitigations applied: what tells two runs of one preset apart in a chart's legend.</summary>
    public string DescribeMitigations() =>
        "mitigations: " + (Mitigations.Count == 0 ? "none" : string.Join(", ", Mitigations.Select(m => m.ToString())));

    /// <summary>
    /// The trainer's options for one model of this run: the recipe, with the experiment's seed (the recipe's
    /// own seed field is not the experiment's to set twice).
    /// </summary>
    public TrainingOptions TrainingOptions() => Recipe with { Seed = Seed };

    /// <summary>Checks every section before anything is written or trained; a bad value names its field and what it allows.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Preset)) throw new ArgumentException("preset is empty: name the preset this config started from (tiny, quick, paper).");
        Data.Validate();
        Model.Validate();
        if (Data.GeneratedImages > 0 && Model.Paradigm != ClipParadigm.ParadigmName)
            throw new ArgumentException($"data.generated_images = {Data.GeneratedImages}: only the clip paradigm trains on generated images (model.paradigm = {Model.Paradigm}); set it to 0.");
        ValidateRecipe();
        Scoring.Validate();
        Utility.Validate();
        foreach (var kind in Mitigations.GroupBy(m => m.Kind).Where(g => g.Count() > 1))
            throw new ArgumentException($"mitigations: '{kind.Key}' appears {kind.Count()} times; each kind is applied once.");
        foreach (var mitigation in Mitigations) mitigation.Validate();
        Dino?.Validate();
    }

    private void ValidateRecipe()
    {
        if (Recipe.Seed != 0 && Recipe.Seed != Seed)
            throw new ArgumentException($"recipe.seed = {Recipe.Seed}: allowed values are 0 or the experiment's seed ({Seed}); the experiment's seed sets it, so set `seed` instead.");
        try { Recipe.Validate(); }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"recipe.{JsonNamingPolicy.SnakeCaseLower.ConvertName(e.ParamName ?? "?")} = {e.ActualValue}: {FirstLine(e.Message)}.", e);
        }
    }

    internal static string FirstLine(string message) => message.Split('\n')[0].Trim().TrimEnd('.');

    /// <summary>
    /// The identity of the results: every field that changes them, and nothing else. Left out are the preset's
    /// name (a label), the recipe's seed (<see cref="TrainingOptions()"/> sets it from <see cref="Seed"/>) and its
    /// checkpoint interval (a resumed run is bit-identical to an uninterrupted one). The data path counts by its
    /// full path: another folder is other data.
    /// </summary>
    public string Hash()
    {
        var identity = new
        {
            data = Data with { DataPath = Data.DataPath is null ? null : Path.GetFullPath(Data.DataPath) },
            model = Model,
            recipe = Recipe with { Seed = 0, CheckpointEveryEpochs = 0 },
            scoring = Scoring,
            utility = Utility,
            mitigations = Mitigations,
            seed = Seed,
            // DINO's recipe counts for DINO runs only, at its defaults when the config names none.
            dino = Model.Paradigm == DinoParadigm.ParadigmName ? Dino ?? DinoRecipe.Default : null,
        };
        var node = JsonSerializer.SerializeToNode(identity, Json.Line)!;
        // fp32 was the only precision before the setting existed: leaving it out keeps those runs' hashes.
        if (Recipe.Precision == Models.MatmulPrecision.Fp32) node["recipe"]!.AsObject().Remove("precision");
        if (Scoring.Precision == Models.MatmulPrecision.Fp32) node["scoring"]!.AsObject().Remove("precision");
        if (node["dino"] is null) node.AsObject().Remove("dino");
        // Likewise for generated images, added after many runs had been made with the samples' own.
        if (Data.GeneratedImages == 0) node["data"]!.AsObject().Remove("generated_images");
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString(Json.Line)));
        return Convert.ToHexStringLower(bytes)[..16];
    }

    // A record's generated equality compares the mitigation list by reference; configs are equal by content.
    public bool Equals(ExperimentConfig? other) =>
        other is not null && Preset == other.Preset && Data == other.Data && Model == other.Model && Recipe == other.Recipe &&
        Scoring == other.Scoring && Utility == other.Utility && Seed == other.Seed && Mitigations.SequenceEqual(other.Mitigations) && Dino == other.Dino;

    public override int GetHashCode() => HashCode.Combine(Data, Model, Recipe, Scoring, Utility, Seed, Mitigations.Count);
}

/// <summary>How to run, not what to compute: device, threads, placement of the two models.</summary>
public sealed record RuntimeOptions(string Device = "cpu", int Threads = 2, bool ConcurrentModels = true)
{
    public void Validate()
    {
        if (Device is not ("cpu" or "cuda")) throw new ArgumentException($"Unknown device '{Device}': use cpu or cuda.");
        if (Threads < 1) throw new ArgumentException($"Thread count must be at least 1, got {Threads}.");
    }
}
