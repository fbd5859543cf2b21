using ClipMem.Common;
using ClipMem.Data.Splits;
using ClipMem.Data;

namespace ClipMem.Reporting;

/// <summary>
/// A gallery of a dataset as the experiments will see it: the default split plan and mis-caption
/// injection applied, so a person can check images, captions, ids, splits and flags before training.
/// </summary>
public static class DataPreview
{
    public static string Render(CaptionDataset dataset, int count, ulong seed, double miscaptionFraction = 0.05)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must be positive");
        var plan = SplitPlan.Create(dataset, SplitSizes.ScaledTo(dataset.Count), seed);
        var injection = MiscaptionInjection.Plan(plan, miscaptionFraction, seed);
        var effective = injection.ApplyTo(dataset);

        // Injected and atypical samples first (up to a quarter each), then a seeded sample of the rest.
        var order = dataset.Select(s => s.Id).ToList();
        DeterministicRandom.For(seed, "preview").Shuffle(order);
        var flagged = order.Where(id => injection.DonorOf.ContainsKey(id)).Take(count / 4)
            .Concat(order.Where(id => effective[id].Truth.IsAtypical).Take(count / 4));
        var shown = flagged.Concat(order).Distinct().Take(count).ToList();

        var items = shown.Select(id =>
        {
            var s = effective[id];
            return new GalleryItem(id, s.Image.Load(), s.Captions, plan.SplitOf(id)?.Short() ?? "unassigned", s.Truth, s.Labels);
        });
        var counts = string.Join(", ", Enum.GetValues<Split>().Select(sp => $"{sp.Short()} {plan.Members(sp).Count}"));
        string subtitle = $"{dataset.Source}: {dataset.Count} samples; splits (seed {seed}): {counts}; " +
                          $"{injection.Count} mis-captioned in S_C (f's training data only); " +
                          $"{dataset.Count(s => s.Truth.IsAtypical)} flagged atypical. Showing {shown.Count}.";
        return HtmlView.Page($"Data preview: {dataset.Name}", SampleGallery.Section("Samples", items), subtitle);
    }

    /// <summary>
    /// What training sees in place of each image when it trains on generated images (PAPER.md finding 5): for the first
    /// <paramref name="samples"/> samples that have them, the image itself, then each generated image with the caption it
    /// was made from. Mis-captioned samples keep images of their true captions, so they are shown with both.
    /// </summary>
    public static Gallery GeneratedImages(CaptionDataset trained, CaptionDataset pool, int samples)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "must be positive");
        var shown = trained.Where(s => s.TrainingImages is { Count: > 0 }).Take(samples).ToList();
        if (shown.Count == 0) throw new ArgumentException($"{trained.Name}: no sample has generated images (data.generated_images is 0).");
        var items = new List<GalleryItem>();
        foreach (var sample in shown)
        {
            var ownCaptions = pool[sample.Id].Captions.Take(sample.Captions.Count).ToList();
            items.Add(new GalleryItem(sample.Id, sample.Image.Load(), sample.Captions, "own image", sample.Truth));
            for (int j = 0; j < sample.TrainingImages!.Count; j++)
                items.Add(new GalleryItem(sample.Id, sample.TrainingImages[j].Load(), [ownCaptions[j % ownCaptions.Count]], $"generated {j + 1}"));
        }
        var method = Data.GeneratedImages.MethodFor(pool);
        return new Gallery($"Generated images: {shown[0].TrainingImages!.Count} per sample",
            items, $"Each sample's own image, then the images training sees in its place, {Data.GeneratedImages.Describe(method)}; under each, the caption it was made from.");
    }
}
