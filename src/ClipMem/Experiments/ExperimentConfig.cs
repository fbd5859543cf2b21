using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClipMem.Common;
using ClipMem.Experiments.Derivation;
using ClipMem.Experiments.Paradigms;
using ClipMem.Memorization;

namespace ClipMem.Experiments;

/// <summary>
/// Everything that determines an experiment's results. Its hash names the run directory's content: the
/// same config reuses trained models, embeddings and scores; a different one never overwrites them.
/// Device and thread count are <see cref="RuntimeOptions"/>, recorded but not part of the identity.
/// </summary>
public sealed record ExperimentConfig(
    ExperimentPreset Preset,
    string Dataset = "synthetic-scenes",
    string? DataPath = null,
    ulong Seed = 0,
    double TextNoiseSigma = 0,
    AlignmentVariant AlignmentVariant = AlignmentVariant.Contrastive,
    int CaptionsPerImage = 1,
    Removal? Removal = null,
    bool SharedBatchOrder = true,
    string Paradigm = ClipParadigm.ParadigmName)
{
    /// <summary>
    /// The captions of each image that training and scoring use: the first CaptionsPerImage of its captions
    /// (all of them when it has fewer). 1 is the study's baseline, "1 image, 1 caption"; 2..5 are its
    /// multi-caption mitigation (PAPER.md findings 5 and 6), one caption drawn uniformly per visit.
    /// </summary>
    public const int MaxCaptionsPerImage = 5;

    // SharedBatchOrder: f lists its members as S_S then S_C, g as S_S then S_I, so the same shuffle puts every
    // S_S sample in the same batch position for both (common random numbers: f and g then differ only by the
    // S_C / S_I slots). Off, each model shuffles its own sorted membership.

    /// <summary>Checks every field before anything is written or trained; a bad value names the field and what it allows.</summary>
    public void Validate()
    {
        if (CaptionsPerImage is < 1 or > MaxCaptionsPerImage)
            throw new ArgumentException($"captions_per_image = {CaptionsPerImage}: allowed values are 1..{MaxCaptionsPerImage} (1 = the study's baseline).");
        if (!Enum.IsDefined(AlignmentVariant))
            throw new ArgumentException($"alignment_variant = {(int)AlignmentVariant}: allowed values are {string.Join(", ", Enum.GetNames<AlignmentVariant>().Select(n => n.ToLowerInvariant()))}.");
        if (TextNoiseSigma < 0 || !double.IsFinite(TextNoiseSigma))
            throw new ArgumentException($"text_noise_sigma = {TextNoiseSigma}: allowed values are finite numbers >= 0 (0 = off).");
        if (!ParadigmCatalog.Names.Contains(Paradigm))
            throw new ArgumentException($"paradigm = {Paradigm}: allowed values are {string.Join(", ", ParadigmCatalog.Names)}.");
        if (string.IsNullOrWhiteSpace(Dataset)) throw new ArgumentException("dataset is empty: name one of the known datasets (`clipmem data list`).");
    }

    public string Hash()
    {
        // The data path is part of the identity by its full path: another folder is other data.
        var identity = this with { DataPath = DataPath is null ? null : Path.GetFullPath(DataPath) };
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(identity, Json.Line)));
        return Convert.ToHexStringLower(bytes)[..16];
    }
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
