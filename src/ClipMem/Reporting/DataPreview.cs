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
}
