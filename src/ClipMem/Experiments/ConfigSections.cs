using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;
using ClipMem.Experiments.Paradigms;
using ClipMem.Memorization;
using ClipMem.Data.Text;

namespace ClipMem.Experiments;

/// <summary>
/// What the models see: the dataset, the pool drawn from it and its leave-set-out splits, the captions per
/// image, the injected mis-captions, the training transform, and the order the memberships are listed in.
/// </summary>
/// <param name="Splits">Explicit split sizes; null: the largest 13:1:1:1 split of the pool.</param>
/// <param name="CaptionsPerImage">
/// The captions of each image that training uses: the first CaptionsPerImage of its captions (all of them when
/// it has fewer). 1 is the study's baseline, "1 image, 1 caption"; 2..5 are its multi-caption mitigation
/// (PAPER.md findings 5 and 6), one caption drawn uniformly per visit.
/// </param>
/// <param name="ScoringCaptionsPerImage">The captions CLIPMem averages over; null: the ones the model trained on (PAPER.md section 3).</param>
/// <param name="Transform">The training transform; the K scoring views are drawn from it too, without flips.</param>
/// <param name="SharedBatchOrder">
/// f lists its members as S_S then S_C, g as S_S then S_I, so the same shuffle puts every S_S sample in the
/// same batch position for both (common random numbers: f and g then differ only by the S_C / S_I slots).
/// Off, each model shuffles its own sorted membership. Shared lowers the S_S spread (measured ~35%).
/// </param>
/// <param name="World">How hard the synthetic world is (<see cref="SceneWorld"/>); null: its default. Other datasets: null.</param>
/// <param name="GeneratedImages">
/// 0: training sees each sample's own image. 1..5: it sees one of that many images generated from the sample's
/// training captions instead, drawn per visit (the study's Table 1, PAPER.md finding 5; <see cref="Data.GeneratedImages"/>).
/// Scoring and utility always use the samples' own images.
/// </param>
public sealed record DataSettings(
    string Dataset,
    string? DataPath,
    int PoolSize,
    SplitSizes? Splits,
    int Resolution,
    int CaptionsPerImage,
    int? ScoringCaptionsPerImage,
    double MiscaptionFraction,
    AugmentationOptions Transform,
    bool SharedBatchOrder = true,
    SceneWorld? World = null,
    int GeneratedImages = 0)
{
    public const int MaxCaptionsPerImage = 5;

    public const string DefaultDataset = "synthetic-scenes";

    /// <summary>The captions per image scoring uses.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int CaptionsScored => ScoringCaptionsPerImage ?? CaptionsPerImage;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) throw new ArgumentException("data.dataset is empty: name one of the known datasets (`clipmem data list`).");
        if (PoolSize < 32) throw new ArgumentException($"data.pool_size = {PoolSize}: allowed values are 32 or more (the four splits need samples).");
        if (Splits is not null)
        {
            if (Splits.Shared < 0 || Splits.Candidates < 2 || Splits.Independent < 2 || Splits.Extra < 2)
                throw new ArgumentException($"data.splits = {Splits}: allowed values are S_S >= 0 and S_C, S_I, S_E >= 2 each.");
            if (Splits.Total > PoolSize)
                throw new ArgumentException($"data.splits total {Splits.Total} samples: allowed values fit in data.pool_size = {PoolSize}.");
        }
        if (Resolution is < 8 or > 1024) throw new ArgumentException($"data.resolution = {Resolution}: allowed values are 8..1024 pixels.");
        if (CaptionsPerImage is < 1 or > MaxCaptionsPerImage)
            throw new ArgumentException($"data.captions_per_image = {CaptionsPerImage}: allowed values are 1..{MaxCaptionsPerImage} (1 = the study's baseline).");
        if (ScoringCaptionsPerImage is < 1 or > MaxCaptionsPerImage)
            throw new ArgumentException($"data.scoring_captions_per_image = {ScoringCaptionsPerImage}: allowed values are 1..{MaxCaptionsPerImage}, or null (the training captions).");
        if (GeneratedImages is < 0 or > Data.GeneratedImages.MaxPerSample)
            throw new ArgumentException($"data.generated_images = {GeneratedImages}: allowed values are 0 (the samples' own images) .. {Data.GeneratedImages.MaxPerSample}.");
        if (MiscaptionFraction is < 0 or >= 1 || double.IsNaN(MiscaptionFraction))
            throw new ArgumentException($"data.miscaption_fraction = {MiscaptionFraction}: allowed values are 0 <= fraction < 1 (a share of S_C).");
        Nested("world", () => World?.Validate());
        Nested("transform", Transform.Validate);
    }

    /// <summary>Runs a nested record's own check and names its failing field by its config path (data.transform.hue).</summary>
    private static void Nested(string section, Action validate)
    {
        try { validate(); }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"data.{section}.{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(e.ParamName ?? "?")}: {ExperimentConfig.FirstLine(e.Message)}.", e);
        }
    }
}

/// <summary>
/// The model of the run's paradigm: which paradigm, and its architecture by the size of a JSON model config
/// (Models/model_configs/PARADIGM-SIZE.json, open_clip style). The image size comes from the data's resolution.
/// </summary>
public sealed record ModelSettings(string Paradigm, string Size, int VocabularySize)
{
    public void Validate()
    {
        if (!ParadigmCatalog.Names.Contains(Paradigm))
            throw new ArgumentException($"model.paradigm = {Paradigm}: allowed values are {string.Join(", ", ParadigmCatalog.Names)}.");
        var sizes = ParadigmCatalog.Create(Paradigm).ModelSizes;
        if (!sizes.Contains(Size))
            throw new ArgumentException($"model.size = {Size}: allowed values for {Paradigm} are {string.Join(", ", sizes)}.");
        if (VocabularySize < BpeTokenizer.MinimumVocabularySize)
            throw new ArgumentException($"model.vocabulary_size = {VocabularySize}: allowed values are {BpeTokenizer.MinimumVocabularySize} or more (the byte and special tokens).");
    }
}

/// <summary>
/// How CLIPMem is computed (PAPER.md section 3): K views per image, a reference pool R from S_E, and the alignment
/// variant. <paramref name="Precision"/>: the matrix products of f and g when they embed for scoring and utility,
/// apart from the recipe's (training) precision: on a CPU with AVX512-BF16, bf16 paid in training (1.5-1.75x on
/// quick) but made scoring slower (26 s against 15 s), while scoring the same weights either way agreed
/// (per-sample Spearman 0.9998).
/// </summary>
public sealed record ScoringSettings(int Views = 10, int ReferenceSize = 256, AlignmentVariant Alignment = AlignmentVariant.Contrastive,
    Models.MatmulPrecision Precision = Models.MatmulPrecision.Fp32)
{
    public void Validate()
    {
        if (!Enum.IsDefined(Precision))
            throw new ArgumentException($"scoring.precision = {(int)Precision}: allowed values are fp32 and bf16.");
        if (Views < 1) throw new ArgumentException($"scoring.views = {Views}: allowed values are 1 or more (K; the study uses 10).");
        if (ReferenceSize < 2) throw new ArgumentException($"scoring.reference_size = {ReferenceSize}: allowed values are 2 or more (|R|; the study uses 256).");
        if (!Enum.IsDefined(Alignment))
            throw new ArgumentException($"scoring.alignment = {(int)Alignment}: allowed values are {string.Join(", ", Enum.GetNames<AlignmentVariant>().Select(n => n.ToLowerInvariant()))}.");
    }
}

/// <summary>How f's utility is measured (PAPER.md section 5): the linear probe's train and test sizes and epochs.</summary>
public sealed record UtilitySettings(int ProbeTrain, int ProbeTest, int ProbeEpochs)
{
    public void Validate()
    {
        if (ProbeTrain < 10) throw new ArgumentException($"utility.probe_train = {ProbeTrain}: allowed values are 10 or more.");
        if (ProbeTest < 10) throw new ArgumentException($"utility.probe_test = {ProbeTest}: allowed values are 10 or more.");
        if (ProbeEpochs < 1) throw new ArgumentException($"utility.probe_epochs = {ProbeEpochs}: allowed values are 1 or more.");
    }
}
