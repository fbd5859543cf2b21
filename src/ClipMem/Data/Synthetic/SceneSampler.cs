using ClipMem.Common;

namespace ClipMem.Data.Synthetic;

/// <summary>Why a generated sample is atypical; None for typical samples.</summary>
public enum AtypicalKind { None, RareShape, RareColour, HeavyNoise, Inverted }

/// <summary>
/// Draws random scenes from the world. Objects in one scene have distinct shapes and distinct grid cells,
/// so every caption names each object unambiguously and every spatial relation is well defined.
/// </summary>
public static class SceneSampler
{
    public static SceneSpec Sample(DeterministicRandom rng, int minObjects, int maxObjects, AtypicalKind atypical, SceneWorld? world = null)
    {
        int count = rng.NextInt(minObjects, maxObjects + 1);
        // Kinds by their long-tailed frequency, distinct within a scene so a caption names each object unambiguously.
        var shapes = new List<ShapeKind>(count);
        while (shapes.Count < count)
        {
            var kind = LongTail.Draw(rng, world);
            if (!shapes.Contains(kind)) shapes.Add(kind);
        }
        var cells = Enumerable.Range(0, 9).ToList();
        rng.Shuffle(cells);

        var objects = new List<SceneObject>(count);
        for (int k = 0; k < count; k++)
        {
            var shape = shapes[k];
            int colour = rng.Pick(SceneVocabulary.CommonColours);
            // The rare attribute goes on the first object only: one odd thing per atypical image.
            if (k == 0 && atypical == AtypicalKind.RareShape) shape = SceneVocabulary.RareShape;
            if (k == 0 && atypical == AtypicalKind.RareColour) colour = SceneVocabulary.RareColour;
            objects.Add(PlaceObject(rng, shape, colour, rng.NextInt(SceneVocabulary.Sizes.Count), RandomTexture(rng), cells[k]));
        }
        return new SceneSpec(
            objects,
            (BackgroundKind)rng.NextInt(Enum.GetValues<BackgroundKind>().Length),
            (float)rng.NextDouble(),
            NoiseSigma: (float)rng.Uniform(0.02, 0.06),
            NoiseSeed: rng.NextUInt64(),
            atypical switch
            {
                AtypicalKind.HeavyNoise => Distortion.HeavyNoise,
                AtypicalKind.Inverted => Distortion.Inverted,
                _ => Distortion.None,
            },
            Clutter(rng));
    }

    /// <summary>A few soft, unmentioned patches on the background, different in every image.</summary>
    public static IReadOnlyList<Blob> Clutter(DeterministicRandom rng)
    {
        int count = rng.NextInt(4, 9);
        var blobs = new Blob[count];
        for (int i = 0; i < count; i++)
            blobs[i] = new Blob((float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.Uniform(0.06, 0.15),
                (float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.Uniform(0.25, 0.5));
        return blobs;
    }

    public static SceneObject PlaceObject(DeterministicRandom rng, ShapeKind shape, int colour, int size, Texture texture, int cell)
    {
        float x = (cell % 3 + 0.5f) / 3f + (float)rng.Uniform(-0.04, 0.04);
        float y = (cell / 3 + 0.5f) / 3f + (float)rng.Uniform(-0.04, 0.04);
        // A small tilt varies the pixels without turning a square into a diamond.
        float angle = (float)rng.Uniform(-0.25, 0.25);
        return new SceneObject(shape, colour, size, texture, cell, x, y, angle);
    }

    /// <summary>Solid objects dominate; textures are a secondary, sometimes-mentioned attribute.</summary>
    public static Texture RandomTexture(DeterministicRandom rng)
    {
        double u = rng.NextDouble();
        return u < 0.6 ? Texture.Solid : u < 0.8 ? Texture.Striped : Texture.Dotted;
    }
}
