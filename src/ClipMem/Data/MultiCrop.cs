using ClipMem.Common;

namespace ClipMem.Data;

/// <summary>
/// DINO's multi-crop augmentation (DataAugmentationDINO in facebookresearch/dino, main_dino.py), scaled to the preset's
/// resolution: two global crops at the model resolution and several local crops at 96/224 of it (rounded to whole
/// patches), each with a flip, colour jitter (p 0.8: brightness 0.4, contrast 0.4, saturation 0.2, hue 0.1) and
/// grayscale (p 0.2); Gaussian blur with p 1.0 on the first global crop, 0.1 on the second and 0.5 on the local ones
/// (sigma 0.1 to 2.0 pixels at 224, scaled by resolution / 224); solarisation with p 0.2 on the second global crop.
/// Every draw is a replayable function of (seed, sample, epoch, crop).
/// </summary>
public sealed class MultiCrop
{
    public const string DrawPurpose = "dino-crop";

    private readonly ulong _seed;
    private readonly AugmentationOptions _global, _local;

    public int Resolution { get; }
    public int LocalResolution { get; }
    public int LocalCrops { get; }

    public MultiCrop(int resolution, int patchSize, int localCrops, double globalScaleMin, double localScaleMin, double localScaleMax, ulong seed)
    {
        if (resolution % patchSize != 0) throw new ArgumentException($"resolution {resolution} is not a whole number of {patchSize}-pixel patches.");
        Resolution = resolution;
        LocalResolution = LocalResolutionFor(resolution, patchSize);
        LocalCrops = localCrops;
        _seed = seed;
        _global = Photometric with { CropScaleMin = globalScaleMin, CropScaleMax = 1 };
        _local = Photometric with { CropScaleMin = localScaleMin, CropScaleMax = localScaleMax };
    }

    /// <summary>DINO's flip, colour jitter and grayscale, around any crop scale.</summary>
    public static AugmentationOptions Photometric { get; } = new(FlipProbability: 0.5, JitterProbability: 0.8, Brightness: 0.4, Contrast: 0.4,
        Saturation: 0.2, Hue: 0.1, GrayscaleProbability: 0.2);

    /// <summary>The global crops' transform without blur and solarisation (SSLMem's scoring views draw from it).</summary>
    public AugmentationOptions GlobalTransform => _global;

    /// <summary>DINO's local crops are 96 pixels where the global ones are 224: the same ratio, in whole patches, one patch at least.</summary>
    public static int LocalResolutionFor(int resolution, int patchSize) =>
        Math.Max(1, (int)Math.Round(resolution * 96.0 / 224 / patchSize)) * patchSize;

    /// <summary>Crop c of this sample in this epoch: 0 and 1 are the global crops, 2.. the local ones.</summary>
    public RgbImage Crop(RgbImage image, SampleId id, int epoch, int crop)
    {
        bool global = crop < 2;
        var view = (global ? _global : _local).Draw(_seed, id, epoch, $"{DrawPurpose}-{crop}").Apply(image, global ? Resolution : LocalResolution);
        var rng = DeterministicRandom.For(_seed, $"{DrawPurpose}-{crop}-blur-solarize", id.Value, epoch);
        double blurProbability = crop switch { 0 => 1.0, 1 => 0.1, _ => 0.5 };
        if (rng.Bernoulli(blurProbability))
        {
            double sigma = rng.Uniform(0.1, 2.0) * (global ? Resolution : LocalResolution) / (global ? 224.0 : 96.0);
            GaussianBlur(view, sigma);
        }
        if (crop == 1 && rng.Bernoulli(0.2)) Solarize(view);
        return view;
    }

    /// <summary>A separable Gaussian blur of this sigma (pixels), edges clamped, the kernel cut at 3 sigma (PIL's GaussianBlur in spirit).</summary>
    public static void GaussianBlur(RgbImage image, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += kernel[i + radius] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= (float)sum;
        int w = image.Width, h = image.Height;
        var p = image.Pixels;
        var row = new float[Math.Max(w, h)];
        for (int c = 0; c < 3; c++)
        {
            int plane = c * w * h;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    float v = 0;
                    for (int k = -radius; k <= radius; k++) v += kernel[k + radius] * p[plane + y * w + Math.Clamp(x + k, 0, w - 1)];
                    row[x] = v;
                }
                Array.Copy(row, 0, p, plane + y * w, w);
            }
            for (int x = 0; x < w; x++)
            {
                for (int y = 0; y < h; y++)
                {
                    float v = 0;
                    for (int k = -radius; k <= radius; k++) v += kernel[k + radius] * p[plane + Math.Clamp(y + k, 0, h - 1) * w + x];
                    row[y] = v;
                }
                for (int y = 0; y < h; y++) p[plane + y * w + x] = row[y];
            }
        }
    }

    /// <summary>PIL's ImageOps.solarize at its default threshold 128: every value of 128/255 or more is inverted.</summary>
    public static void Solarize(RgbImage image)
    {
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i++)
            if (p[i] >= 128f / 255f) p[i] = 1f - p[i];
    }
}
