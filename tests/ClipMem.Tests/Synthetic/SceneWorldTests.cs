using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Synthetic;
using ClipMem.Experiments;

namespace ClipMem.Tests.Synthetic;

/// <summary>The world-difficulty knobs: what captions name, which kinds occur, and that worlds share their scenes.</summary>
public class SceneWorldTests
{
    private static List<(SceneSpec Scene, IReadOnlyList<string> Captions)> Draw(SceneWorld world, int count = 400) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var rng = DeterministicRandom.For(5, "world-test", i);
            var scene = SceneSampler.Sample(rng, 1, 3, AtypicalKind.None, world);
            return (scene, SceneCaptioner.Captions(scene, 5, rng, world));
        }).ToList();

    [Fact]
    public void APositionMentionOfZeroLeavesEveryPositionAndRelationUnsaid()
    {
        var silent = Draw(SceneWorld.Default with { PositionMention = 0 });
        foreach (var (scene, captions) in silent)
            foreach (var caption in captions)
            {
                var content = SceneCaptionParser.Parse(caption);
                Assert.Equal(scene.Objects.Count, content.Objects.Count);
                Assert.All(content.Objects, o => Assert.Null(o.Cell));
                Assert.Empty(content.Relations);
            }
        // The default world says them: most multi-object captions carry a position or a relation.
        var spoken = Draw(SceneWorld.Default).SelectMany(d => d.Captions).Select(SceneCaptionParser.Parse).ToList();
        Assert.True(spoken.Count(c => c.Objects.Any(o => o.Cell is not null) || c.Relations.Count > 0) > spoken.Count / 2);
    }

    [Fact]
    public void TheColourMentionSetsHowOftenAPhraseNamesItsColour()
    {
        double ColourShare(SceneWorld world)
        {
            var rng = new DeterministicRandom(3);
            var obj = SceneSampler.PlaceObject(rng, ShapeKind.Star, colour: 2, size: 1, Texture.Solid, cell: 4);
            int named = Enumerable.Range(0, 4000).Count(_ => SceneCaptionParser.Parse(SceneCaptioner.Phrase(obj, rng, world: world)).Objects[0].Colour == 2);
            return named / 4000.0;
        }
        Assert.Equal(1.0, ColourShare(SceneWorld.Default));
        Assert.Equal(0.0, ColourShare(SceneWorld.Default with { ColourMention = 0 }));
        // Binomial: 4000 draws at 0.3 have a standard error of 0.0072.
        Assert.InRange(ColourShare(SceneWorld.Default with { ColourMention = 0.3 }), 0.3 - 4 * 0.0072, 0.3 + 4 * 0.0072);
    }

    [Fact]
    public void WorldsThatDifferOnlyInSpeechShowTheSameScenes()
    {
        var plain = Draw(SceneWorld.Default);
        var terse = Draw(SceneWorld.Default with { ColourMention = 0.4, PositionMention = 0.2 });
        for (int i = 0; i < plain.Count; i++)
        {
            Assert.Equal(plain[i].Scene.Objects, terse[i].Scene.Objects);
            Assert.Equal(plain[i].Scene.Background, terse[i].Scene.Background);
        }
        Assert.True(plain.Zip(terse).Count(p => !p.First.Captions.SequenceEqual(p.Second.Captions)) > plain.Count / 2);
    }

    [Fact]
    public void TheTailLengthAndHeadWeightSetWhichKindsOccur()
    {
        var shortTail = SceneWorld.Default with { TailKinds = 50, HeadWeight = 1 };
        var rng = new DeterministicRandom(17);
        var kinds = Enumerable.Range(0, 50_000).Select(_ => LongTail.Draw(rng, shortTail)).ToList();
        Assert.All(kinds, k => Assert.True((int)k < (int)LongTail.FirstKind + 50, $"kind {(int)k} is past the world's 50 tail kinds"));
        Assert.Contains(LongTail.FirstKind + 49, kinds);
        // Head share = 9 w / (9 w + sum over r = 10..59 of 1/r), w = 1: 9 / (9 + 1.7869) = 0.8343.
        double tailWeight = Enumerable.Range(10, 50).Sum(r => 1.0 / r);
        double expected = 9 / (9 + tailWeight);
        double se = Math.Sqrt(expected * (1 - expected) / kinds.Count);
        Assert.InRange(kinds.Count(k => !LongTail.IsTailKind(k)) / (double)kinds.Count, expected - 4 * se, expected + 4 * se);
    }

    [Fact]
    public void ABadWorldIsRefusedByItsConfigPath()
    {
        var data = ExperimentPreset.Tiny.Data with { World = SceneWorld.Default with { PositionMention = 1.5 } };
        var error = Assert.Throws<ArgumentException>(data.Validate);
        Assert.Contains("data.world.position_mention", error.Message);
        Assert.Contains("0..1", error.Message);

        var tail = ExperimentPreset.Tiny.Data with { World = SceneWorld.Default with { TailKinds = LongTail.KindCount + 1 } };
        Assert.Contains("data.world.tail_kinds", Assert.Throws<ArgumentException>(tail.Validate).Message);
    }

    [Fact]
    public void AWorldOnARealDatasetIsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetCatalog.Open(new DatasetRequest("csv", "any.csv", World: SceneWorld.Default)));
        Assert.Contains("synthetic scenes only", error.Message);
    }

    [Fact]
    public void TheDatasetNameSaysWhichWorldItCameFrom()
    {
        var options = new SyntheticScenesOptions(Count: 8, World: SceneWorld.Default with { TailKinds = 1200 });
        Assert.Contains("world: tail 1200", SyntheticScenes.Generate(options).Source);
        Assert.DoesNotContain("world", SyntheticScenes.Generate(options with { World = SceneWorld.Default }).Source);
    }
}
