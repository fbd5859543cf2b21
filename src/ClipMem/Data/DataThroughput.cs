using System.Diagnostics;

namespace ClipMem.Data;

/// <summary>Images per second a dataset delivers: first load (decode or generate), then the training augmentation.</summary>
public sealed record DataThroughput(int Images, double LoadPerSecond, double AugmentPerSecond)
{
    public static DataThroughput Measure(CaptionDataset dataset, int count, int resolution, ulong seed)
    {
        var samples = dataset.Take(count).ToList();
        var clock = Stopwatch.StartNew();
        var images = samples.Select(s => s.Image.Load()).ToList();
        double load = samples.Count / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (int i = 0; i < images.Count; i++)
            AugmentationOptions.Training.Draw(seed, samples[i].Id, 0, "train").Apply(images[i], resolution);
        double augment = samples.Count / clock.Elapsed.TotalSeconds;
        return new DataThroughput(samples.Count, load, augment);
    }
}
