using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Data;

/// <summary>Conversion of images to the float tensors the encoders read, with CLIP's normalisation.</summary>
public static class ImageTensors
{
    // OpenAI CLIP's per-channel mean and standard deviation (open_clip OPENAI_DATASET_MEAN / STD).
    public static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Writes the normalised planar pixels of <paramref name="image"/> into <paramref name="destination"/>.</summary>
    public static void Normalize(RgbImage image, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
            throw new ArgumentException($"Destination holds {destination.Length} values, the image has {3 * plane}.");
        for (int c = 0; c < 3; c++)
        {
            float mean = Mean[c], inv = 1f / Std[c];
            var src = image.Pixels.AsSpan(c * plane, plane);
            var dst = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) dst[i] = (src[i] - mean) * inv;
        }
    }

    /// <summary>A batch tensor [N, 3, H, W] of equally sized images.</summary>
    public static Tensor Stack(IReadOnlyList<RgbImage> images, Device? device = null)
    {
        if (images.Count == 0) throw new ArgumentException("Cannot stack an empty list of images.", nameof(images));
        int width = images[0].Width, height = images[0].Height, size = 3 * width * height;
        var buffer = new float[images.Count * size];
        for (int n = 0; n < images.Count; n++)
        {
            if (images[n].Width != width || images[n].Height != height)
                throw new ArgumentException($"Image {n} is {images[n].Width}x{images[n].Height}, the batch is {width}x{height}.");
            Normalize(images[n], buffer.AsSpan(n * size, size));
        }
        var batch = tensor(buffer, [images.Count, 3, height, width]);
        if (device is null || device.type == DeviceType.CPU) return batch;
        using (batch) return batch.to(device);
    }
}
