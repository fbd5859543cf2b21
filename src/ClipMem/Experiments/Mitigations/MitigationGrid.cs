using System.Globalization;

namespace ClipMem.Experiments.Mitigations;

/// <summary>One configuration of a mitigation experiment: what it sets, as a label and a number to plot along, and the whole config.</summary>
/// <param name="Series">The line it belongs to in a chart: the experiment, or a removal's ranking.</param>
public sealed record MitigationSetting(string Experiment, string Label, double Value, ExperimentConfig Config, string? Series = null)
{
    public string Line => Series ?? Experiment;

    /// <summary>Its run directory's name inside the experiment's folder, per seed.</summary>
    public string Name => $"{(Series is null ? Experiment : $"{Experiment}-{Series}")}-{Value.ToString("0.###", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The configurations of the mitigation experiments (PAPER.md findings 5, 6 and 7), around a baseline. The full grid
/// is the study's; the quick grid keeps its ends and its sweet spot, for 2 cores. The first setting of each
/// experiment is its baseline: every other setting is compared with it on the same samples and normalised on its
/// clean-S_C range. Every setting trains its own f and g: g is the reference of "the same training without the
/// sample", so it is trained with the same mitigation (a g from unmitigated training would move S_S too).
/// </summary>
public static class MitigationGrid
{
    public const string TextVsImage = "text-vs-image", Captions = "captions", Noise = "noise", Removal = "removal";

    /// <summary>The sweeps of configs; removal (derived runs of a finished baseline) is <see cref="RemovalSettings"/>.</summary>
    public static IReadOnlyList<string> Experiments { get; } = [TextVsImage, Captions, Noise];

    public static IReadOnlyList<string> AllExperiments { get; } = [TextVsImage, Captions, Noise, Removal];

    /// <summary>
    /// The removal sweep (finding 8): each ranking at each count, the counts scaled to |S_C| as the study's 50..3200 are to
    /// its 5,000 (full), or three of them around its best (quick: 2, 8 and 32 % of S_C).
    /// </summary>
    public static IReadOnlyList<(Derivation.RemovalRanking Ranking, int Count)> RemovalSettings(int candidates, string grid = "full")
    {
        RequireGrid(grid);
        var fractions = grid == "full"
            ? StudyReference.Removal.Skip(1).Select(r => (double)r.Removed / StudyReference.RemovalCandidates).ToList()
            : [0.02, 0.08, 0.32];
        var counts = fractions.Select(f => Math.Max(1, (int)Math.Round(f * candidates))).Distinct().ToList();
        return Enum.GetValues<Derivation.RemovalRanking>().SelectMany(r => counts.Select(c => (r, c))).ToList();
    }

    /// <summary>A ranking as the tables and folders name it: clipmem, lowest-similarity, random.</summary>
    public static string NameOf(Derivation.RemovalRanking ranking) => ranking switch
    {
        Derivation.RemovalRanking.LowestSimilarity => "lowest-similarity",
        _ => ranking.ToString().ToLowerInvariant(),
    };

    public static IReadOnlyList<string> Grids { get; } = ["quick", "full"];

    /// <summary>The study's sigma grid (finding 7), on the projected text embedding before L2 normalisation.</summary>
    public static IReadOnlyList<double> StudySigmas => StudyReference.TextNoise.Select(p => p.Sigma).ToList();

    public static IReadOnlyList<MitigationSetting> For(string experiment, ExperimentConfig baseline, string grid = "full")
    {
        RequireGrid(grid);
        var clean = baseline with { Mitigations = [], Data = baseline.Data with { CaptionsPerImage = 1, ScoringCaptionsPerImage = null } };
        // Fair comparison: in the sweeps that change what training sees, every setting is scored on all of an image's
        // captions and on its own image, whatever it trained on.
        var allCaptions = clean.Data with { ScoringCaptionsPerImage = DataSettings.MaxCaptionsPerImage };
        return experiment switch
        {
            TextVsImage => StudyReference.TextVsImage.Select((c, k) => new MitigationSetting(TextVsImage, TextVsImageLabel(c.Images, c.Generated, c.Captions), k + 1,
                clean with { Data = allCaptions with { CaptionsPerImage = c.Captions, GeneratedImages = c.Generated ? c.Images : 0 } })).ToList(),
            Captions => CaptionCounts(grid).Select(k => new MitigationSetting(Captions, $"{k} caption{(k == 1 ? "" : "s")}", k,
                clean with { Data = allCaptions with { CaptionsPerImage = k } })).ToList(),
            Noise => Sigmas(grid).Select(sigma => new MitigationSetting(Noise, $"sigma {sigma.ToString("0.00", CultureInfo.InvariantCulture)}", sigma,
                sigma == 0 ? clean : clean.With(new TextEmbeddingNoise(sigma)))).ToList(),
            _ => throw new ArgumentException($"mitigation experiment '{experiment}': allowed values are {string.Join(", ", Experiments)}."),
        };
    }

    /// <summary>A case of Table 1 as the study names it: "1 image, 1 caption", "5 generated images, 5 captions".</summary>
    public static string TextVsImageLabel(int images, bool generated, int captions) =>
        $"{images} {(generated ? "generated " : "")}image{(images == 1 ? "" : "s")}, {captions} caption{(captions == 1 ? "" : "s")}";

    private static void RequireGrid(string grid)
    {
        if (!Grids.Contains(grid)) throw new ArgumentException($"mitigation grid '{grid}': allowed values are {string.Join(", ", Grids)}.");
    }

    private static IReadOnlyList<int> CaptionCounts(string grid) =>
        grid == "full" ? Enumerable.Range(1, DataSettings.MaxCaptionsPerImage).ToList() : [1, 3, DataSettings.MaxCaptionsPerImage];

    private static IReadOnlyList<double> Sigmas(string grid) => grid == "full" ? StudySigmas : [0, 0.05, 0.15, 0.30];
}
