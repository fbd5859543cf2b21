using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Synthetic;

namespace ClipMem.Tests.Synthetic;

public class SyntheticScenesTests
{
    private static readonly SyntheticScenesOptions Small = new(Count: 400, Seed: 7, AtypicalFraction: 0.1);

    [Fact]
    public void SameSeedGivesIdenticalSamplesAndPixels()
    {
        var a = SyntheticScenes.Generate(Small);
        var b = SyntheticScenes.Generate(Small);
        for (int i = 0; i < a.Count; i += 37)
        {
            Assert.Equal(a[i].Id, b[i].Id);
            Assert.Equal(a[i].Captions, b[i].Captions);
            Assert.Equal(a[i].Labels, b[i].Labels);
            Assert.Equal(a[i].Image.Load().Pixels, b[i].Image.Load().Pixels);
        }
    }

    [Fact]
    public void DifferentSeedsGiveDifferentScenes()
    {
        var a = SyntheticScenes.Generate(Small);
        var b = SyntheticScenes.Generate(Small with { Seed = 8 });
        int sameCaptions = Enumerable.Range(0, a.Count).Count(i => a[i].Captions[0] == b[i].Captions[0]);
        Assert.True(sameCaptions < a.Count / 10, $"{sameCaptions} of {a.Count} first captions coincide across seeds");
    }

    [Fact]
    public void EverySampleHasFiveDistinctlyWordedCaptionsAndMultiLabels()
    {
        var data = SyntheticScenes.Generate(Small);
        foreach (var s in data)
        {
            Assert.Equal(5, s.Captions.Count);
            Assert.True(s.Captions.Distinct().Count() >= 3, $"{s.Id}: captions barely vary: {string.Join(" | ", s.Captions)}");
            Assert.Contains(s.Labels, l => l.StartsWith("shape:"));
            Assert.Contains(s.Labels, l => l.StartsWith("colour:"));
        }
        var objectCounts = data.Select(s => s.Labels.Count(l => l.StartsWith("shape:"))).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 2, 3 }, objectCounts);
    }

    [Fact]
    public void WorldHasAtLeastEightShapesColoursAndSeveralBackgrounds()
    {
        Assert.True(SceneVocabulary.CommonShapes.Count >= 8);
        Assert.True(SceneVocabulary.CommonColours.Count >= 8);
        Assert.True(SceneVocabulary.Backgrounds.Count >= 4);
        Assert.True(SceneVocabulary.Textures.Count >= 2);
    }

    [Fact]
    public void AtypicalFractionIsControlledAndFlaggedWithReasons()
    {
        var data = SyntheticScenes.Generate(new SyntheticScenesOptions(Count: 2000, Seed: 3, AtypicalFraction: 0.1));
        var atypical = data.Where(s => s.Truth.IsAtypical).ToList();
        // Binomial(2000, 0.1): mean 200, sd about 13.4; four sd either side.
        Assert.InRange(atypical.Count, 146, 254);
        Assert.All(atypical, s => Assert.False(string.IsNullOrEmpty(s.Truth.Reason)));
        // Rare attributes appear only in atypical samples.
        Assert.All(data.Where(s => !s.Truth.IsAtypical), s =>
        {
            Assert.DoesNotContain("shape:crescent", s.Labels);
            Assert.DoesNotContain("colour:olive", s.Labels);
        });
        Assert.Contains(atypical, s => s.Labels.Contains("shape:crescent"));
        Assert.DoesNotContain(SyntheticScenes.Generate(new SyntheticScenesOptions(Count: 300, AtypicalFraction: 0)), s => s.Truth.IsAtypical);
    }

    [Fact]
    public void EveryCaptionParsesBackToAttributesOfItsScene()
    {
        // The captioner and the parser are independent readings of the same world: each caption must name
        // only true things (shapes with their colours, positions and relations) about its own scene.
        for (int i = 0; i < 500; i++)
        {
            var rng = DeterministicRandom.For(11, "parse-test", i);
            var spec = SceneSampler.Sample(rng, 1, 3, AtypicalKind.None);
            foreach (var caption in SceneCaptioner.Captions(spec, 5, rng))
            {
                var content = SceneCaptionParser.Parse(caption);
                Assert.Equal(spec.Objects.Count, content.Objects.Count);
                foreach (var mention in content.Objects)
                {
                    var truth = spec.Objects.Single(o => o.Shape == mention.Shape);
                    Assert.Equal(truth.Colour, mention.Colour);
                    if (mention.Size is { } size) Assert.Equal(truth.Size, size);
                    if (mention.Texture is { } texture) Assert.Equal(truth.Texture, texture);
                    if (mention.Cell is { } cell) Assert.Equal(truth.Cell, cell);
                }
                foreach (var r in content.Relations)
                {
                    var a = spec.Objects.Single(o => o.Shape == content.Objects[r.A].Shape);
                    var b = spec.Objects.Single(o => o.Shape == content.Objects[r.B].Shape);
                    Assert.True(SceneCaptionParser.Holds(r.Relation, a.Cell, b.Cell), $"'{caption}': {r.Relation} does not hold");
                }
                if (content.Background is { } bg) Assert.Equal(spec.Background, bg);
            }
        }
    }

    [Fact]
    public void ParserReadsAHandWrittenCaption()
    {
        var content = SceneCaptionParser.Parse("A small striped red circle to the left of a big blue box on a checkered background.");
        Assert.Equal(2, content.Objects.Count);
        Assert.Equal(new ObjectMention(ShapeKind.Circle, 0, 0, Texture.Striped, null), content.Objects[0]);
        Assert.Equal(new ObjectMention(ShapeKind.Square, 2, 2, null, null), content.Objects[1]);
        Assert.Equal(BackgroundKind.Checkered, content.Background);
        Assert.Equal(new RelationMention(0, "left of", 1), Assert.Single(content.Relations));
        Assert.Equal(6, SceneCaptionParser.Parse("a yellow star in the bottom left corner").Objects[0].Cell);
    }

    [Fact]
    public void RenderFromCaptionKeepsWhatTheCaptionSaysAndRedrawsTheRest()
    {
        const string caption = "a large green triangle above a pink ring";
        var first = SyntheticScenes.SpecFromCaption(caption, seed: 1);
        Assert.Equal([ShapeKind.Triangle, ShapeKind.Ring], first.Objects.Select(o => o.Shape));
        Assert.Equal(2, first.Objects[0].Size);
        Assert.Equal(1, first.Objects[0].Colour);
        Assert.Equal(7, first.Objects[1].Colour);
        var pixelsBySeed = new List<float[]>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var spec = SyntheticScenes.SpecFromCaption(caption, seed);
            Assert.True(spec.Objects[0].Cell / 3 < spec.Objects[1].Cell / 3, "the triangle must be above the ring");
            pixelsBySeed.Add(SceneRenderer.Render(spec, 32).Pixels);
        }
        Assert.Equal(5, pixelsBySeed.Select(p => string.Join(',', p.Take(200))).Distinct().Count());
        Assert.Throws<ArgumentException>(() => SyntheticScenes.RenderFromCaption("a dog on a sofa", 32, 1));
    }

    [Fact]
    public void RenderedObjectHasItsColourAtItsCentreAndBackgroundAtTheCorner()
    {
        var obj = new SceneObject(ShapeKind.Square, Colour: 0, Size: 2, Texture.Solid, Cell: 4, X: 0.5f, Y: 0.5f, Angle: 0);
        var spec = new SceneSpec([obj], BackgroundKind.Dark, 0.5f, NoiseSigma: 0, NoiseSeed: 1);
        var image = SceneRenderer.Render(spec, 32);
        var red = SceneVocabulary.Colours[0];
        Assert.Equal(red.R, image[0, 16, 16], 3);
        Assert.Equal(red.G, image[1, 16, 16], 3);
        Assert.Equal(0.11f, image[0, 0, 0], 2);
        var inverted = SceneRenderer.Render(spec with { Distortion = Distortion.Inverted }, 32);
        Assert.Equal(1 - red.R, inverted[0, 16, 16], 3);
    }

    [Fact]
    public void ShapesAreDistinguishableAtThirtyTwoPixels()
    {
        // Every pair of common shapes, drawn at the same place and size, differs in at least a tenth of
        // the pixels either covers (intersection over union below 0.9).
        var masks = SceneVocabulary.CommonShapes.Select(shape =>
        {
            var obj = new SceneObject(shape, 0, 2, Texture.Solid, 4, 0.5f, 0.5f, 0, Scale: 1.8f);
            var image = SceneRenderer.Render(new SceneSpec([obj], BackgroundKind.Dark, 0, 0, 1), 32);
            return Enumerable.Range(0, 32 * 32).Select(i => image.Pixels[i] > 0.5f).ToArray();
        }).ToList();
        for (int a = 0; a < masks.Count; a++)
        for (int b = a + 1; b < masks.Count; b++)
        {
            int differing = masks[a].Zip(masks[b]).Count(p => p.First != p.Second);
            int union = masks[a].Zip(masks[b]).Count(p => p.First || p.Second);
            Assert.True(differing > 0.1 * union, $"{SceneVocabulary.CommonShapes[a]} vs {SceneVocabulary.CommonShapes[b]}: {differing} of {union} pixels differ");
        }
    }

    [Fact]
    public void ProbeSetIsBalancedLabelledAndDisjointFromTheTrainingPool()
    {
        var probe = SyntheticScenes.ProbeSet(180, 32, seed: 5);
        // Each image: its shape (the class) and its object's colour (the second zero-shot attribute).
        Assert.All(probe, s => Assert.Equal(2, s.Labels.Count));
        Assert.All(probe, s => Assert.StartsWith(SyntheticScenes.ColourLabelPrefix, s.Labels[1]));
        var byLabel = probe.GroupBy(s => s.Labels[0]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(SceneVocabulary.CommonShapes.Count, byLabel.Count);
        Assert.All(byLabel.Values, n => Assert.Equal(180 / SceneVocabulary.CommonShapes.Count, n));
        var pool = SyntheticScenes.Generate(Small);
        Assert.DoesNotContain(probe, s => pool.Contains(s.Id));
        Assert.Equal(32, probe[0].Image.Load().Width);
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticScenes.Generate(new SyntheticScenesOptions(Count: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticScenes.Generate(new SyntheticScenesOptions(AtypicalFraction: 1.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticScenes.Generate(new SyntheticScenesOptions(MaxObjects: 4)));
    }
}
