using ClipMem.Common;

namespace ClipMem.Data.Synthetic;

/// <summary>
/// Draws a <see cref="SceneSpec"/> into an <see cref="RgbImage"/>. Shapes are inside-tests in the object's
/// own rotated frame, supersampled for anti-aliasing at small resolutions, so a 32x32 image still shows
/// a star as a star rather than a blob.
/// </summary>
public static class SceneRenderer
{
    public static RgbImage Render(SceneSpec spec, int resolution)
    {
        var image = new RgbImage(resolution, resolution);
        int supersample = resolution <= 64 ? 3 : resolution <= 128 ? 2 : 1;
        var objects = spec.Objects.Select(o => new PlacedObject(o)).ToArray();
        var colour = new float[3];
        int plane = resolution * resolution;
        float norm = 1f / (supersample * supersample);

        for (int y = 0; y < resolution; y++)
        for (int x = 0; x < resolution; x++)
        {
            float r = 0, g = 0, b = 0;
            for (int sy = 0; sy < supersample; sy++)
            for (int sx = 0; sx < supersample; sx++)
            {
                float u = (x + (sx + 0.5f) / supersample) / resolution;
                float v = (y + (sy + 0.5f) / supersample) / resolution;
                ShadePoint(spec, objects, u, v, colour);
                r += colour[0];
                g += colour[1];
                b += colour[2];
            }
            int i = y * resolution + x;
            image.Pixels[i] = r * norm;
            image.Pixels[plane + i] = g * norm;
            image.Pixels[2 * plane + i] = b * norm;
        }

        ApplyNoiseAndDistortion(spec, image);
        return image;
    }

    /// <summary>An object with its rotation and colour resolved once per image, not once per sample point.</summary>
    private readonly struct PlacedObject(SceneObject obj)
    {
        public readonly ShapeKind Shape = obj.Shape;
        public readonly Texture Texture = obj.Texture;
        public readonly float X = obj.X, Y = obj.Y, InverseRadius = 1f / obj.Radius;
        public readonly float Cos = MathF.Cos(obj.Angle), Sin = MathF.Sin(obj.Angle);
        public readonly ColourTerm Colour = SceneVocabulary.Colours[obj.Colour];
    }

    private static void ShadePoint(SceneSpec spec, PlacedObject[] objects, float u, float v, float[] rgb)
    {
        BackgroundColour(spec.Background, spec.BackgroundTint, u, v, rgb);
        if (spec.Clutter is { } clutter)
            foreach (var blob in clutter)
            {
                float du = u - blob.X, dv = v - blob.Y;
                float w = blob.Strength * MathF.Exp(-(du * du + dv * dv) / (blob.Radius * blob.Radius));
                rgb[0] += w * (blob.R - rgb[0]);
                rgb[1] += w * (blob.G - rgb[1]);
                rgb[2] += w * (blob.B - rgb[2]);
            }
        // Later objects are drawn over earlier ones.
        for (int k = 0; k < objects.Length; k++)
        {
            ref readonly var obj = ref objects[k];
            float dx = (u - obj.X) * obj.InverseRadius, dy = (v - obj.Y) * obj.InverseRadius;
            // Every shape lies inside radius 1.3 of its centre (the triangle reaches 1.27): skip the exact test far away.
            if (dx * dx + dy * dy > 1.69f) continue;
            float lx = obj.Cos * dx + obj.Sin * dy, ly = -obj.Sin * dx + obj.Cos * dy;
            if (!IsInside(obj.Shape, lx, ly)) continue;
            float shade = TextureShade(obj.Texture, lx, ly);
            rgb[0] = obj.Colour.R * shade;
            rgb[1] = obj.Colour.G * shade;
            rgb[2] = obj.Colour.B * shade;
        }
    }

    /// <summary>Inside-test in the unit frame (circumradius about 1, y pointing down).</summary>
    public static bool IsInside(ShapeKind shape, float x, float y)
    {
        float r = MathF.Sqrt(x * x + y * y);
        return shape switch
        {
            ShapeKind.Circle => r <= 1f,
            ShapeKind.Square => MathF.Max(MathF.Abs(x), MathF.Abs(y)) <= 0.82f,
            ShapeKind.Diamond => MathF.Abs(x) + MathF.Abs(y) <= 1.05f,
            ShapeKind.Triangle => InsideRegularPolygon(x, -y + 0.2f, 3, 1.15f),
            ShapeKind.Semicircle => r <= 1.1f && y <= 0.3f,
            ShapeKind.Hexagon => InsideRegularPolygon(x, -y, 6, 1f),
            ShapeKind.Star => InsideStar(x, -y),
            ShapeKind.Cross => (MathF.Abs(x) <= 0.3f && MathF.Abs(y) <= 1f) || (MathF.Abs(y) <= 0.3f && MathF.Abs(x) <= 1f),
            ShapeKind.Ring => r <= 1f && r >= 0.55f,
            ShapeKind.Crescent => r <= 1f && (x - 0.45f) * (x - 0.45f) + (y + 0.1f) * (y + 0.1f) > 0.72f * 0.72f,
            _ when LongTail.IsTailKind(shape) && (int)shape - (int)LongTail.FirstKind < LongTail.KindCount =>
                LongTail.Silhouettes[(int)shape - (int)LongTail.FirstKind].Contains(x, y),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
    }

    // A regular n-gon with one vertex pointing up: the distance to the edge in the direction of the point
    // is the apothem divided by the cosine of the angle to the nearest edge normal.
    private static bool InsideRegularPolygon(float x, float y, int sides, float circumradius)
    {
        float sector = 2f * MathF.PI / sides;
        float angle = MathF.Atan2(x, y);
        float toNormal = Mod(angle + sector / 2f, sector) - sector / 2f;
        float apothem = circumradius * MathF.Cos(MathF.PI / sides);
        return MathF.Sqrt(x * x + y * y) * MathF.Cos(toNormal) <= apothem;
    }

    private static bool InsideStar(float x, float y)
    {
        const int points = 5;
        const float outer = 1.05f, inner = 0.45f;
        float sector = 2f * MathF.PI / points;
        float angle = Mod(MathF.Atan2(x, y), sector) / sector; // 0 at a tip, 0.5 between tips
        float t = MathF.Abs(angle - 0.5f) * 2f;                 // 1 at a tip, 0 between tips
        // Straight edges between tip and notch: interpolate in 1/r so the edges are lines, not arcs.
        float edge = 1f / (t / outer + (1 - t) / inner);
        return MathF.Sqrt(x * x + y * y) <= edge;
    }

    private static float TextureShade(Texture texture, float x, float y) => texture switch
    {
        Texture.Solid => 1f,
        Texture.Striped => Mod((x + y) * 2.2f, 1f) < 0.5f ? 1f : 0.45f,
        Texture.Dotted => Mod(x * 2.5f, 1f) is > 0.25f and < 0.75f && Mod(y * 2.5f, 1f) is > 0.25f and < 0.75f ? 0.4f : 1f,
        _ => 1f,
    };

    private static void BackgroundColour(BackgroundKind kind, float tint, float u, float v, float[] rgb)
    {
        float g = kind switch
        {
            BackgroundKind.Dark => 0.08f + 0.06f * tint,
            BackgroundKind.Light => 0.80f + 0.08f * tint,
            BackgroundKind.Gray => 0.42f + 0.1f * tint,
            BackgroundKind.Gradient => 0.15f + 0.6f * v,
            BackgroundKind.Striped => Mod(u * 5f, 1f) < 0.5f ? 0.3f : 0.55f,
            BackgroundKind.Checkered => ((int)(u * 6f) + (int)(v * 6f)) % 2 == 0 ? 0.25f : 0.6f,
            _ => 0.5f,
        };
        // A faint tint so backgrounds are not perfectly gray and colours stay the discriminative cue.
        rgb[0] = g;
        rgb[1] = g + 0.03f * (tint - 0.5f);
        rgb[2] = g + 0.06f * (tint - 0.5f);
    }

    private static void ApplyNoiseAndDistortion(SceneSpec spec, RgbImage image)
    {
        var rng = new DeterministicRandom(spec.NoiseSeed);
        float sigma = spec.Distortion == Distortion.HeavyNoise ? 0.2f : spec.NoiseSigma;
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i++)
        {
            float value = p[i] + sigma * (float)rng.Normal();
            if (spec.Distortion == Distortion.Inverted) value = 1f - value;
            p[i] = Math.Clamp(value, 0f, 1f);
        }
    }

    private static float Mod(float a, float m) => a - m * MathF.Floor(a / m);
}
