namespace ClipMem.Experiments;

/// <summary>
/// The study's numbers that reports, notebooks and the CLI show beside a run's, in one place. Each is
/// copied from ../shared/PAPER.md, whose section is named; change them there first.
/// </summary>
public static class StudyReference
{
    /// <summary>Split means of the same group's follow-up work (section 3); S_E has no published value.</summary>
    public static IReadOnlyDictionary<string, double> SplitMeans { get; } = new Dictionary<string, double>
    {
        ["S_C"] = 0.22, ["S_S"] = 0.0, ["S_I"] = -0.22,
    };

    /// <summary>Mean CLIPMem over S_C in the COCO baseline (finding 2).</summary>
    public const double CocoCandidateMean = 0.438;

    /// <summary>CLIPMem above which the study's most memorized examples lie (finding 2).</summary>
    public const double MostMemorizedScore = 0.89;

    /// <summary>Linear-probe accuracy on ImageNet of the study's ViT-Base encoders (finding 4).</summary>
    public const double ClipLinearProbe = 0.6311, SslLinearProbe = 0.6145, SupervisedLinearProbe = 0.7938;

    /// <summary>
    /// Per-layer UnitMem of the study's ViT-Base encoders, first and last of 12 layers (finding 4, approximate readings):
    /// CLIP rises between the flat SSL curve and the steep supervised one.
    /// </summary>
    public static IReadOnlyDictionary<string, (double First, double Last)> UnitMemFirstAndLastLayer { get; } = new Dictionary<string, (double, double)>
    {
        ["CLIP"] = (0.272, 0.411), ["SSL (DINO)"] = (0.339, 0.376), ["supervised"] = (0.265, 0.477), ["BLIP"] = (0.290, 0.399),
    };

    /// <summary>
    /// Table 1 (finding 5, COCO): mean CLIPMem over S_C and the linear probe (with its spread) when training sees generated
    /// images in place of the real one and/or five captions in place of one. Captions lower memorization more than images.
    /// </summary>
    public static IReadOnlyList<(int Images, bool Generated, int Captions, double ClipMem, double LinearProbe, double LinearProbeSpread)> TextVsImage { get; } =
    [
        (1, false, 1, 0.438, 0.6311, 0.0091), (1, true, 1, 0.428, 0.6397, 0.0079), (5, true, 1, 0.424, 0.6460, 0.0082),
        (1, false, 5, 0.423, 0.6488, 0.0083), (5, true, 5, 0.417, 0.6479, 0.0099),
    ];

    /// <summary>Captions per image 1..5 (finding 6, approximate readings): mean CLIPMem over S_C and the linear probe.</summary>
    public static IReadOnlyList<(int Captions, double ClipMem, double LinearProbe)> CaptionsPerImage { get; } =
    [
        (1, 0.438, 0.631), (2, 0.435, 0.632), (3, 0.428, 0.643), (4, 0.424, 0.648), (5, 0.422, 0.649),
    ];

    /// <summary>Gaussian noise on the text embeddings during training (finding 7, approximate readings); the sweet spot is sigma 0.15.</summary>
    public static IReadOnlyList<(double Sigma, double ClipMem, double LinearProbe)> TextNoise { get; } =
    [
        (0, 0.438, 0.631), (0.01, 0.435, 0.634), (0.05, 0.428, 0.640), (0.10, 0.421, 0.650),
        (0.15, 0.417, 0.653), (0.20, 0.422, 0.649), (0.25, 0.436, 0.633), (0.30, 0.447, 0.615),
    ];

    /// <summary>|S_C| of the study's COCO removal experiment (finding 8): its counts are out of this many.</summary>
    public const int RemovalCandidates = 5000;

    /// <summary>
    /// Linear probe after removing N of S_C and retraining f (finding 8), by ranking: the most memorized first (CLIPMem),
    /// the lowest image-text similarity under f first, or at random.
    /// </summary>
    public static IReadOnlyList<(int Removed, double Clipmem, double LowestSimilarity, double Random)> Removal { get; } =
    [
        (0, 0.631, 0.631, 0.631), (50, 0.650, 0.648, 0.632), (100, 0.664, 0.655, 0.631), (200, 0.646, 0.648, 0.631),
        (400, 0.632, 0.632, 0.630), (800, 0.625, 0.625, 0.628), (1600, 0.620, 0.621, 0.626), (3200, 0.611, 0.613, 0.624),
    ];

    /// <summary>The linear-probe line the reports print, e.g. under a utility table.</summary>
    public static string LinearProbes =>
        $"The study reports CLIP {Percent(ClipLinearProbe)}, SSL {Percent(SslLinearProbe)}, supervised {Percent(SupervisedLinearProbe)} on ImageNet.";

    /// <summary>The study's COCO recipe (section 1), as the recipe table's right-hand column.</summary>
    public static class Recipe
    {
        public const string Pool = "70,000 (COCO)";
        public const string ImageEncoder = "ViT-B/32, 224 px, width 768, 12 layers";
        public const string TextEncoder = "width 512, 12 layers, context 77";
        public const string EmbeddingWidth = "512";
        public const string Parameters = "about 151 M";
        public const string Epochs = "100";
        public const string BatchSize = "128";
        public const string Optimizer = "AdamW lr 5e-4, betas 0.9/0.98, eps 1e-6, wd 0.2";
        public const string Schedule = "warm-up, then cosine";
        public const string LogitScale = "learned, init 1/0.07, clamped at 100";
    }

    public static string Percent(double fraction) => fraction.ToString("P2", System.Globalization.CultureInfo.InvariantCulture);
}
