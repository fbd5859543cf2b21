using ClipMem.Common;

namespace ClipMem.Data.Synthetic;

public sealed record SyntheticScenesOptions(
    int Count = 4800,
    int Resolution = 32,
    ulong Seed = 0,
    double AtypicalFraction = 0.05,
    int CaptionsPerImage = 5,
    int MinObjects = 1,
    int MaxObjects = 3,
    string IdPrefix = "scene",
    SceneWorld? World = null)
{
    public void Validate()
    {
        if (Count <= 0) throw new ArgumentOutOfRangeException(nameof(Count), Count, "must be positive");
        if (Resolution < 8) throw new ArgumentOutOfRangeException(nameof(Resolution), Resolution, "must be at least 8 pixels");
        if (AtypicalFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(AtypicalFraction), AtypicalFraction, "must be in [0, 1]");
        if (CaptionsPerImage < 1) throw new ArgumentOutOfRangeException(nameof(CaptionsPerImage), CaptionsPerImage, "must be at least 1");
        if (MinObjects < 1 || MaxObjects < MinObjects || MaxObjects > 3)
            throw new ArgumentOutOfRangeException(nameof(MaxObjects), $"objects per scene must satisfy 1 <= min ({MinObjects}) <= max ({MaxObjects}) <= 3");
        World?.Validate();
    }
}

/// <summary>
/// The embedded default dataset: procedural scenes of coloured shapes with paraphrased captions,
/// multi-label ground truth and flagged atypical samples. Nothing is downloaded; every image is a pure
/// function of (seed, index), rendered when it is loaded.
/// </summary>
public static class SyntheticScenes
{
    public const string DatasetName = "synthetic-scenes";

    /// <summary>The prefix of colour labels ("colour:red"); shape labels of scenes are "shape:NAME".</summary>
    public const string ColourLabelPrefix = "colour:";

    public static CaptionDataset Generate(SyntheticScenesOptions options)
    {
        options.Validate();
        var samples = new Sample[options.Count];
        for (int i = 0; i < options.Count; i++)
        {
            var id = new SampleId($"{options.IdPrefix}-{i:D6}");
            var rng = DeterministicRandom.For(options.Seed, "scene", i);
            var atypical = rng.Bernoulli(options.AtypicalFraction)
                ? (AtypicalKind)rng.NextInt(1, Enum.GetValues<AtypicalKind>().Length)
                : AtypicalKind.None;
            var spec = SceneSampler.Sample(rng, options.MinObjects, options.MaxObjects, atypical, options.World);
            var captions = SceneCaptioner.Captions(spec, options.CaptionsPerImage, rng, options.World);
            int resolution = options.Resolution;
            samples[i] = new Sample(
                id,
                new GeneratedImageSource($"{DatasetName}:{id}", () => SceneRenderer.Render(spec, resolution)),
                captions,
                Labels(spec),
                atypical == AtypicalKind.None ? GroundTruth.Typical : GroundTruth.Atypical(Describe(atypical)));
        }
        string world = options.World is { } w && w != SceneWorld.Default ? $", world: {w.Describe()}" : "";
        return new CaptionDataset(DatasetName, $"{DatasetName}(seed={options.Seed}, n={options.Count}{world})", samples);
    }

    /// <summary>
    /// Renders a fresh image from what a caption says: mentioned attributes are kept, everything else
    /// (unmentioned colours, sizes, positions, background, noise) is drawn anew from <paramref name="seed"/>.
    /// </summary>
    public static RgbImage RenderFromCaption(string caption, int resolution, ulong seed) =>
        SceneRenderer.Render(SpecFromCaption(caption, seed), resolution);

    public static SceneSpec SpecFromCaption(string caption, ulong seed)
    {
        var content = SceneCaptionParser.Parse(caption);
        if (content.Objects.Count == 0)
            throw new ArgumentException($"Caption names no shape of the synthetic world: \"{caption}\"", nameof(caption));
        var rng = DeterministicRandom.For(seed, "rerender", caption);
        var cells = AssignCells(content, rng);
        var objects = content.Objects.Select((m, k) => SceneSampler.PlaceObject(
            rng,
            m.Shape,
            m.Colour ?? rng.Pick(SceneVocabulary.CommonColours),
            m.Size ?? rng.NextInt(SceneVocabulary.Sizes.Count),
            m.Texture ?? SceneSampler.RandomTexture(rng),
            cells[k])).ToList();
        return new SceneSpec(
            objects,
            content.Background ?? (BackgroundKind)rng.NextInt(Enum.GetValues<BackgroundKind>().Length),
            (float)rng.NextDouble(),
            (float)rng.Uniform(0.02, 0.06),
            rng.NextUInt64());
    }

    /// <summary>
    /// A labelled set for measuring utility: one large object per image, label = its shape. Colour,
    /// texture, background, position, tilt and noise vary as nuisances, so the label is readable only from
    /// the object's form: colour statistics (what an untrained encoder captures) do not give it away.
    /// Ids use their own prefix and seed stream, so the set is disjoint from any CLIP training pool.
    /// </summary>
    public static CaptionDataset ProbeSet(int count, int resolution, ulong seed, string idPrefix = "probe")
    {
        var samples = new Sample[count];
        for (int i = 0; i < count; i++)
        {
            var rng = DeterministicRandom.For(seed, "probe", i);
            var shape = SceneVocabulary.CommonShapes[i % SceneVocabulary.CommonShapes.Count];
            var placed = SceneSampler.PlaceObject(rng, shape, rng.Pick(SceneVocabulary.CommonColours), size: 2, SceneSampler.RandomTexture(rng), cell: 4);
            var obj = placed with
            {
                X = 0.5f + (float)rng.Uniform(-0.08, 0.08),
                Y = 0.5f + (float)rng.Uniform(-0.08, 0.08),
                Scale = (float)rng.Uniform(1.6, 2.0),
            };
            var spec = new SceneSpec([obj], (BackgroundKind)rng.NextInt(Enum.GetValues<BackgroundKind>().Length),
                (float)rng.NextDouble(), (float)rng.Uniform(0.02, 0.06), rng.NextUInt64(), Clutter: SceneSampler.Clutter(rng));
            var id = new SampleId($"{idPrefix}-{i:D6}");
            samples[i] = new Sample(id,
                new GeneratedImageSource($"{DatasetName}:{id}", () => SceneRenderer.Render(spec, resolution)),
                [SceneCaptioner.Phrase(obj, rng)],
                [SceneVocabulary.Shapes[(int)shape].Name, ColourLabelPrefix + SceneVocabulary.Colours[obj.Colour].Name],
                GroundTruth.Typical);
        }
        return new CaptionDataset($"{DatasetName}-probe", $"{DatasetName}-probe(seed={seed}, n={count})", samples);
    }

    /// <summary>Multi-label ground truth: every shape and colour present.</summary>
    private static IReadOnlyList<string> Labels(SceneSpec spec) =>
        spec.Objects.Select(o => $"shape:{SceneVocabulary.Shapes[(int)o.Shape].Name}")
            .Concat(spec.Objects.Select(o => ColourLabelPrefix + SceneVocabulary.Colours[o.Colour].Name))
            .Distinct()
            .ToArray();

    private static string Describe(AtypicalKind kind) => kind switch
    {
        AtypicalKind.RareShape => $"rare shape ({SceneVocabulary.Shapes[(int)SceneVocabulary.RareShape].Name})",
        AtypicalKind.RareColour => $"rare colour ({SceneVocabulary.Colours[SceneVocabulary.RareColour].Name})",
        AtypicalKind.HeavyNoise => "heavy noise",
        AtypicalKind.Inverted => "inverted colours",
        _ => "typical",
    };

    private static int[] AssignCells(CaptionContent content, DeterministicRandom rng)
    {
        var cells = new int[content.Objects.Count];
        // Rejection sampling over placements: with at most three objects on nine cells it ends quickly.
        for (int attempt = 0; attempt < 500; attempt++)
        {
            var free = Enumerable.Range(0, 9).Where(c => !content.Objects.Any(o => o.Cell == c)).ToList();
            rng.Shuffle(free);
            int nextFree = 0;
            for (int k = 0; k < cells.Length; k++)
                cells[k] = content.Objects[k].Cell ?? free[nextFree++];
            if (cells.Distinct().Count() == cells.Length &&
                content.Relations.All(r => SceneCaptionParser.Holds(r.Relation, cells[r.A], cells[r.B])))
                return cells;
        }
        return cells;
    }
}
