using ClipMem.Common;
using ClipMem.Data.Synthetic;

namespace ClipMem.Tests.Synthetic;

/// <summary>The world's long tail: Zipf frequencies, invented names that captions use and parse back, distinct silhouettes.</summary>
public class LongTailTests
{
    [Fact]
    public void KindFrequenciesFollowZipfWithTheOrdinaryShapesAsTheHead()
    {
        var rng = new DeterministicRandom(11);
        var counts = new Dictionary<ShapeKind, int>();
        const int draws = 200_000;
        for (int i = 0; i < draws; i++)
        {
            var kind = LongTail.Draw(rng);
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        Assert.False(counts.ContainsKey(ShapeKind.Crescent)); // kept for the flagged atypical samples
        double total = SceneVocabulary.CommonShapes.Sum(s => LongTail.Weight(s))
                       + Enumerable.Range(0, LongTail.KindCount).Sum(k => LongTail.Weight(LongTail.FirstKind + k));
        // Each observed frequency within 4 standard errors of its weight's share.
        foreach (var kind in new[] { ShapeKind.Circle, LongTail.FirstKind, LongTail.FirstKind + 90, LongTail.FirstKind + 990 })
        {
            double p = LongTail.Weight(kind) / total;
            double se = Math.Sqrt(p * (1 - p) / draws);
            Assert.InRange(counts.GetValueOrDefault(kind) / (double)draws, p - 4 * se, p + 4 * se);
        }
        // Zipf: tail rank r against rank 10r is 10:1.
        Assert.Equal(10.0, LongTail.Weight(LongTail.FirstKind) / LongTail.Weight(LongTail.FirstKind + 90), 6);
    }

    [Fact]
    public void TailNamesAreDistinctAndNoOtherWordOfTheWorld()
    {
        var names = LongTail.Names.Select(t => t.Name).ToList();
        Assert.Equal(LongTail.KindCount, names.Distinct().Count());
        var otherWords = SceneVocabulary.Shapes.Take((int)LongTail.FirstKind).SelectMany(t => t.Words)
            .Concat(SceneVocabulary.Colours.SelectMany(c => c.Words))
            .Concat(SceneVocabulary.Sizes.SelectMany(s => s.Term.Words))
            .Concat(SceneVocabulary.Textures.SelectMany(t => t.Words))
            .Concat(SceneVocabulary.Backgrounds.SelectMany(t => t.Words))
            .Concat(["background", "backdrop", "shapes", "picture", "image", "showing", "there", "with", "that", "which", "two", "three"])
            .ToHashSet();
        Assert.DoesNotContain(names, otherWords.Contains);
        Assert.All(names, n => Assert.Matches("^[a-z]{4,}$", n));
    }

    [Fact]
    public void ACaptionNamingATailKindParsesBackToThatKind()
    {
        var kind = LongTail.FirstKind + 1234;
        string name = SceneVocabulary.Shapes[(int)kind].Name;
        var content = SceneCaptionParser.Parse($"a small red {name} to the left of a blue circle");
        Assert.Equal([kind, ShapeKind.Circle], content.Objects.Select(o => o.Shape));
        Assert.Equal(0, content.Objects[0].Colour);
        var spec = SyntheticScenes.SpecFromCaption($"a {name} on a dark background", seed: 3);
        Assert.Equal(kind, Assert.Single(spec.Objects).Shape);
    }

    [Fact]
    public void TailSilhouettesDifferFromEachOtherAndFromTheOrdinaryShapes()
    {
        // Masks on a 24x24 grid of the unit frame: two kinds that cover the same cells would look alike.
        bool[] Mask(ShapeKind shape) => Enumerable.Range(0, 24 * 24)
            .Select(i => SceneRenderer.IsInside(shape, (i % 24 - 11.5f) / 10f, (i / 24 - 11.5f) / 10f)).ToArray();
        var kinds = SceneVocabulary.CommonShapes.Concat(Enumerable.Range(0, 40).Select(k => LongTail.FirstKind + k)).ToList();
        var masks = kinds.Select(Mask).ToList();
        for (int a = 0; a < masks.Count; a++)
        {
            Assert.True(masks[a].Count(x => x) > 40, $"{kinds[a]} covers almost nothing");
            for (int b = a + 1; b < masks.Count; b++)
            {
                int differing = masks[a].Zip(masks[b]).Count(p => p.First != p.Second);
                Assert.True(differing >= 12, $"kinds {(int)kinds[a]} and {(int)kinds[b]} differ in only {differing} cells");
            }
        }
    }

    [Fact]
    public void EveryImageCarriesItsOwnClutterOnTheBackgroundOnly()
    {
        var specs = Enumerable.Range(0, 50).Select(i => SceneSampler.Sample(DeterministicRandom.For(2, "clutter-test", i), 1, 3, AtypicalKind.None)).ToList();
        Assert.All(specs, s => Assert.InRange(s.Clutter!.Count, 4, 8));
        Assert.Equal(specs.Count, specs.Select(s => (s.Clutter![0].X, s.Clutter[0].Y)).Distinct().Count());

        // A solid object over a blob keeps its colour; the background under the blob changes.
        var obj = new SceneObject(ShapeKind.Square, Colour: 0, Size: 2, Texture.Solid, Cell: 4, X: 0.5f, Y: 0.5f, Angle: 0);
        var plain = new SceneSpec([obj], BackgroundKind.Dark, 0.5f, NoiseSigma: 0, NoiseSeed: 1);
        var cluttered = plain with { Clutter = [new Blob(0.5f, 0.5f, 0.4f, 0f, 1f, 0f, 0.5f)] };
        var a = SceneRenderer.Render(plain, 32);
        var b = SceneRenderer.Render(cluttered, 32);
        int centre = 16 * 32 + 16, above = 4 * 32 + 16, green = 32 * 32;
        Assert.Equal(a.Pixels[centre], b.Pixels[centre]);
        Assert.Equal(a.Pixels[green + centre], b.Pixels[green + centre]);
        Assert.True(b.Pixels[green + above] > a.Pixels[green + above] + 0.05f, "the blob does not show on the background");
    }
}
