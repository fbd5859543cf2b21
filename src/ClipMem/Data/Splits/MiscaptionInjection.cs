using System.Text;
using ClipMem.Common;

namespace ClipMem.Data.Splits;

/// <summary>
/// The study's mis-caption test (PAPER.md finding 2, DECISION): a fraction of S_C gets the captions of
/// another injected sample, never its own (a derangement). All captions of an image move together. Since
/// only f trains on S_C, the wrong pairs are in f's training data only; ground truth records each one.
/// </summary>
public sealed class MiscaptionInjection
{
    /// <summary>Injected sample -> the sample whose captions it now carries.</summary>
    public IReadOnlyDictionary<SampleId, SampleId> DonorOf { get; }

    public MiscaptionInjection(IReadOnlyDictionary<SampleId, SampleId> donorOf)
    {
        foreach (var (id, donor) in donorOf)
            if (id == donor) throw new ArgumentException($"Sample '{id}' would keep its own captions; an injection must be a derangement.");
        DonorOf = donorOf;
    }

    public static MiscaptionInjection None { get; } = new(new Dictionary<SampleId, SampleId>());

    public int Count => DonorOf.Count;

    /// <summary>Chooses round(fraction * |S_C|) candidates (at least 2 when the fraction is positive) and deranges their captions.</summary>
    public static MiscaptionInjection Plan(SplitPlan plan, double fraction, ulong seed)
    {
        if (fraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in [0, 1]");
        var candidates = plan.Members(Split.Candidates).ToList();
        if (fraction == 0) return None;
        int count = Math.Max(2, (int)Math.Round(fraction * candidates.Count));
        if (count > candidates.Count)
            throw new ArgumentException($"Cannot inject {count} mis-captions into an S_C of {candidates.Count} samples.");
        var rng = DeterministicRandom.For(seed, "miscaption");
        rng.Shuffle(candidates);
        var chosen = candidates.Take(count).ToList();
        // A single random cycle through the chosen samples: every sample gets its successor's captions,
        // so no sample keeps its own and the permutation is uniformly random among cyclic ones.
        var donorOf = new Dictionary<SampleId, SampleId>(count);
        for (int k = 0; k < count; k++) donorOf[chosen[k]] = chosen[(k + 1) % count];
        return new MiscaptionInjection(donorOf);
    }

    /// <summary>The dataset as f trains on it: injected samples carry their donor's captions and are flagged.</summary>
    public CaptionDataset ApplyTo(CaptionDataset dataset)
    {
        var replacements = DonorOf.ToDictionary(
            kv => kv.Key,
            kv =>
            {
                var sample = dataset[kv.Key];
                return sample with
                {
                    Captions = dataset[kv.Value].Captions,
                    Truth = sample.Truth.WithMiscaption($"captions of {kv.Value}"),
                };
            });
        return dataset.WithReplacements(replacements);
    }

    public void Save(string path)
    {
        var csv = new StringBuilder("sample_id,donor_id\n");
        foreach (var (id, donor) in DonorOf.OrderBy(kv => kv.Key))
            csv.Append(id.Value).Append(',').Append(donor.Value).Append('\n');
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    public static MiscaptionInjection Load(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != "sample_id,donor_id")
            throw new DataFormatException(path, null, "expected the header 'sample_id,donor_id'");
        var donorOf = new Dictionary<SampleId, SampleId>();
        for (int n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0) continue;
            var fields = lines[n].Split(',');
            if (fields.Length != 2) throw new DataFormatException(path, null, $"line {n + 1}: expected 2 fields, got {fields.Length}");
            if (!donorOf.TryAdd(new SampleId(fields[0]), new SampleId(fields[1])))
                throw new DataFormatException(path, new SampleId(fields[0]), $"line {n + 1}: sample listed twice");
        }
        return new MiscaptionInjection(donorOf);
    }
}
