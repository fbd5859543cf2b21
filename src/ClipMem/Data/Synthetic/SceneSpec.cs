namespace ClipMem.Data.Synthetic;

/// <summary>One object in a scene. Cell is the 3x3 grid cell (row-major); X, Y the centre in [0, 1].</summary>
public sealed record SceneObject(ShapeKind Shape, int Colour, int Size, Texture Texture, int Cell, float X, float Y, float Angle, float Scale = 1f)
{
    public float Radius => SceneVocabulary.Sizes[Size].Radius * Scale;
}

/// <summary>A distortion applied to the whole image after drawing (atypical samples only).</summary>
public enum Distortion { None, HeavyNoise, Inverted }

/// <summary>
/// Everything needed to draw one image, deterministically: the renderer is a pure function of this record.
/// </summary>
public sealed record SceneSpec(
    IReadOnlyList<SceneObject> Objects,
    BackgroundKind Background,
    float BackgroundTint,
    float NoiseSigma,
    ulong NoiseSeed,
    Distortion Distortion = Distortion.None,
    IReadOnlyList<Blob>? Clutter = null);

/// <summary>
/// A soft patch of colour on the background that no caption mentions: what makes each image unique the way a
/// photograph is (light, texture, clutter), so a model can tell its own training image from a look-alike.
/// </summary>
public sealed record Blob(float X, float Y, float Radius, float R, float G, float B, float Strength);
