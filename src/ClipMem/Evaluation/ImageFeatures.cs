using ClipMem.Data;
using ClipMem.Models;
using static TorchSharp.torch;

namespace ClipMem.Evaluation;

/// <summary>Frozen encoder features for probes: the pooled class-token feature of the eval view, batched.</summary>
public static class ImageFeatures
{
    public static float[,] Extract(VisionTransformer visual, ImageCache images, IReadOnlyList<SampleId> ids, int resolution, Device? device = null, int batchSize = 256)
    {
        visual.eval();
        int width = visual.Config.Width;
        var features = new float[ids.Count, width];
        using var _ = no_grad();
        for (int start = 0; start < ids.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, ids.Count - start);
            var views = new RgbImage[count];
            // The first pass over a generated set renders its images (about 1 ms each for the synthetic scenes): on both cores.
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => views[i] = images.Get(ids[start + i]).CenterSquare(resolution));
            using var scope = NewDisposeScope();
            var values = visual.ForwardFeatures(ImageTensors.Stack(views, device)).cpu().data<float>().ToArray();
            Buffer.BlockCopy(values, 0, features, start * width * sizeof(float), values.Length * sizeof(float));
        }
        return features;
    }
}
