using System.Text.RegularExpressions;
using ClipMem.Common;

namespace ClipMem.Data;

/// <summary>
/// The image transform, every part switchable. Colour jitter is off by default on purpose: captions name
/// colours, and a hue shift would make "a red circle" false for the augmented view.
/// </summary>
public sealed record AugmentationOptions(
    double CropScaleMin = 0.7,
    double CropScaleMax = 1.0,
    double CropRatioMin = 3.0 / 4.0,
    double CropRatioMax = 4.0 / 3.0,
    double FlipProbability = 0.5,
    double JitterProbability = 0.0,
    double Brightness = 0.0,
    double Contrast = 0.0,
    double Saturation = 0.0,
    double Hue = 0.0,
    double GrayscaleProbability = 0.0)
{
    /// <summary>The CLIP training transform (random resized crop, flip with caption swap).</summary>
    public static AugmentationOptions Training { get; } = new();

    /// <summary>The K scoring views of CLIPMem: crops only. Flips are never used, they would change the caption.</summary>
    public static AugmentationOptions ScoringViews { get; } = new(FlipProbability: 0);

    /// <summary>Deterministic evaluation view: the full image, centre square.</summary>
    public static AugmentationOptions Eval { get; } = new(CropScaleMin: 1, CropScaleMax: 1, CropRatioMin: 1, CropRatioMax: 1, FlipProbability: 0);

    public void Validate()
    {
        if (CropScaleMin <= 0 || CropScaleMax > 1 || CropScaleMin > CropScaleMax)
            throw new ArgumentOutOfRangeException(nameof(CropScaleMin), $"crop scale must satisfy 0 < min ({CropScaleMin}) <= max ({CropScaleMax}) <= 1");
        if (CropRatioMin <= 0 || CropRatioMin > CropRatioMax)
            throw new ArgumentOutOfRangeException(nameof(CropRatioMin), $"crop ratio must satisfy 0 < min ({CropRatioMin}) <= max ({CropRatioMax})");
        foreach (var (name, p) in new[] { ("FlipProbability", FlipProbability), ("JitterProbability", JitterProbability), ("GrayscaleProbability", GrayscaleProbability) })
            if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(name, p, "probability must be in [0, 1]");
        if (Hue is < 0 or > 0.5) throw new ArgumentOutOfRangeException(nameof(Hue), Hue, "hue jitter must be in [0, 0.5]");
    }

    /// <summary>
    /// Draw <paramref name="drawIndex"/> of sample <paramref name="sample"/> under <paramref name="runSeed"/>.
    /// The same arguments always give the same view, in any order and on any thread, which is how f and g
    /// are scored on identical augmented views. <paramref name="purpose"/> separates streams ("train",
    /// "score"), so scoring views are never the crops a model happened to train on.
    /// </summary>
    public ViewParams Draw(ulong runSeed, SampleId sample, int drawIndex, string purpose = "view")
    {
        var rng = DeterministicRandom.For(runSeed, purpose, sample.Value, drawIndex);
        var (left, top, width, height) = DrawCrop(rng);
        bool flip = rng.Bernoulli(FlipProbability);
        bool jitter = rng.Bernoulli(JitterProbability);
        float brightness = jitter ? (float)rng.Uniform(1 - Brightness, 1 + Brightness) : 1f;
        float contrast = jitter ? (float)rng.Uniform(1 - Contrast, 1 + Contrast) : 1f;
        float saturation = jitter ? (float)rng.Uniform(1 - Saturation, 1 + Saturation) : 1f;
        float hue = jitter ? (float)rng.Uniform(-Hue, Hue) : 0f;
        bool grayscale = rng.Bernoulli(GrayscaleProbability);
        return new ViewParams(left, top, width, height, flip, brightness, contrast, saturation, hue, grayscale);
    }

    // torchvision's RandomResizedCrop: area fraction and log-uniform aspect ratio, ten tries, then the
    // centre crop as fallback. Coordinates are fractions of the image, so one draw fits any resolution.
    private (double Left, double Top, double Width, double Height) DrawCrop(DeterministicRandom rng)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = rng.Uniform(CropScaleMin, CropScaleMax);
            double ratio = Math.Exp(rng.Uniform(Math.Log(CropRatioMin), Math.Log(CropRatioMax)));
            double w = Math.Sqrt(area * ratio), h = Math.Sqrt(area / ratio);
            if (w <= 1 && h <= 1)
                return (rng.Uniform(0, 1 - w), rng.Uniform(0, 1 - h), w, h);
        }
        double side = Math.Sqrt(CropScaleMax);
        return ((1 - side) / 2, (1 - side) / 2, side, side);
    }
}

/// <summary>One concrete augmented view: crop rectangle (fractions of the image), flip and colour changes.</summary>
public sealed record ViewParams(double Left, double Top, double Width, double Height, bool Flip,
    float Brightness, float Contrast, float Saturation, float Hue, bool Grayscale)
{
    public RgbImage Apply(RgbImage source, int resolution)
    {
        // Crops are taken inside the largest centred square so non-square images keep their aspect ratio.
        int side = Math.Min(source.Width, source.Height);
        double x0 = (source.Width - side) / 2.0, y0 = (source.Height - side) / 2.0;
        var view = source.ResampleRegion(x0 + Left * side, y0 + Top * side, Width * side, Height * side, resolution, resolution);
        if (Flip) FlipHorizontally(view);
        AdjustColour(view);
        return view;
    }

    private static void FlipHorizontally(RgbImage image)
    {
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < image.Height; y++)
            Array.Reverse(image.Pixels, (c * image.Height + y) * image.Width, image.Width);
    }

    private void AdjustColour(RgbImage image)
    {
        bool identity = Brightness == 1f && Contrast == 1f && Saturation == 1f && Hue == 0f && !Grayscale;
        if (identity) return;
        var p = image.Pixels;
        int plane = image.Width * image.Height;
        float meanLuma = 0;
        for (int i = 0; i < plane; i++) meanLuma += Luma(p[i], p[plane + i], p[2 * plane + i]);
        meanLuma /= plane;
        // Hue rotation in YIQ space: cheap and close to torchvision's HSV shift for small angles.
        float angle = Hue * 2f * MathF.PI, cos = MathF.Cos(angle), sin = MathF.Sin(angle);
        for (int i = 0; i < plane; i++)
        {
            float r = p[i] * Brightness, g = p[plane + i] * Brightness, b = p[2 * plane + i] * Brightness;
            r = (r - meanLuma) * Contrast + meanLuma;
            g = (g - meanLuma) * Contrast + meanLuma;
            b = (b - meanLuma) * Contrast + meanLuma;
            float y = Luma(r, g, b);
            r = y + (r - y) * Saturation;
            g = y + (g - y) * Saturation;
            b = y + (b - y) * Saturation;
            if (Hue != 0f)
            {
                float iq = 0.596f * r - 0.274f * g - 0.322f * b, q = 0.211f * r - 0.523f * g + 0.312f * b;
                float i2 = iq * cos - q * sin, q2 = iq * sin + q * cos;
                r = y + 0.956f * i2 + 0.621f * q2;
                g = y - 0.272f * i2 - 0.647f * q2;
                b = y - 1.106f * i2 + 1.703f * q2;
            }
            if (Grayscale) r = g = b = Luma(r, g, b);
            p[i] = Math.Clamp(r, 0f, 1f);
            p[plane + i] = Math.Clamp(g, 0f, 1f);
            p[2 * plane + i] = Math.Clamp(b, 0f, 1f);
        }
    }

    private static float Luma(float r, float g, float b) => 0.299f * r + 0.587f * g + 0.114f * b;
}

/// <summary>Keeps captions true of a flipped image: "left" and "right" trade places.</summary>
public static partial class CaptionFlip
{
    [GeneratedRegex(@"\b(left|right|Left|Right|LEFT|RIGHT)\b")]
    private static partial Regex SideWord();

    public static string SwapLeftRight(string caption) =>
        SideWord().Replace(caption, m => m.Value switch
        {
            "left" => "right", "right" => "left",
            "Left" => "Right", "Right" => "Left",
            "LEFT" => "RIGHT", _ => "LEFT",
        });
}
