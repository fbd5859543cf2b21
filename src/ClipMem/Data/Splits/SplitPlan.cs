using System.Text;
using ClipMem.Common;

namespace ClipMem.Data.Splits;

/// <summary>The study's four disjoint subsets of the training pool (PAPER.md section 2).</summary>
public enum Split
{
    /// <summary>S_S: trained on by f and g.</summary>
    Shared,
    /// <summary>S_C: trained on by f only; memorization is scored here.</summary>
    Candidates,
    /// <summary>S_I: trained on by g only.</summary>
    Independent,
    /// <summary>S_E: seen by neither; the reference pool of CLIPMem.</summary>
    Extra,
}

public static class SplitNames
{
    /// <summary>Short names in the order of the expected sign pattern: S_C &gt; 0 ≈ S_S ≈ S_E &gt; S_I (how tables and charts list splits).</summary>
    public static IReadOnlyList<string> InPatternOrder { get; } = ["S_C", "S_S", "S_E", "S_I"];

    public static string Short(this Split split) => split switch
    {
        Split.Shared => "S_S",
        Split.Candidates => "S_C",
        Split.Independent => "S_I",
        Split.Extra => "S_E",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    public static bool TryParse(string text, out Split split)
    {
        foreach (var s in Enum.GetValues<Split>())
            if (text == s.Short() || string.Equals(text, s.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                split = s;
                return true;
            }
        split = default;
        return false;
    }
}

/// <summary>Split sizes. The study's ratio 13:1:1:1 scales a pool of any size; <see cref="Paper"/> is its COCO size.</summary>
public sealed record SplitSizes(int Shared, int Candidates, int Independent, int Extra)
{
    public static SplitSizes Paper { get; } = new(65_000, 5_000, 5_000, 5_000);

    public int Total => Shared + Candidates + Independent + Extra;

    public int this[Split split] => split switch
    {
        Split.Shared => Shared,
        Split.Candidates => Candidates,
        Split.Independent => Independent,
        _ => Extra,
    };

    /// <summary>The largest 13:1:1:1 split that fits in <paramref name="poolSize"/> samples.</summary>
    public static SplitSizes ScaledTo(int poolSize, int sharedRatio = 13)
    {
        int unit = poolSize / (sharedRatio + 3);
        if (unit < 2)
            throw new ArgumentException($"A pool of {poolSize} samples is too small for {sharedRatio}:1:1:1 splits (need at least {2 * (sharedRatio + 3)}).");
        return new SplitSizes(sharedRatio * unit, unit, unit, unit);
    }

    public void Validate()
    {
        if (Shared < 0 || Candidates < 1 || Independent < 1 || Extra < 1)
            throw new ArgumentException($"Split sizes must be non-negative and S_C, S_I, S_E non-empty: {this}");
    }
}

/// <summary>
/// Assignment of sample ids to S_S, S_C, S_I, S_E: disjoint, seeded, independent of load order (ids are
/// sorted before the shuffle), persisted as a table of sample id -> split. Pool samples beyond the
/// requested sizes are left out of every split.
/// </summary>
public sealed class SplitPlan
{
    private readonly Dictionary<SampleId, Split> _splitOf;
    private readonly Dictionary<Split, IReadOnlyList<SampleId>> _members;

    private SplitPlan(Dictionary<SampleId, Split> splitOf)
    {
        _splitOf = splitOf;
        _members = Enum.GetValues<Split>().ToDictionary(
            s => s,
            s => (IReadOnlyList<SampleId>)splitOf.Where(kv => kv.Value == s).Select(kv => kv.Key).Order().ToList());
    }

    public static SplitPlan Create(CaptionDataset pool, SplitSizes sizes, ulong seed)
    {
        sizes.Validate();
        if (sizes.Total > pool.Count)
            throw new ArgumentException(
                $"{pool.Source}: the splits need {sizes.Total} samples (S_S {sizes.Shared}, S_C {sizes.Candidates}, " +
                $"S_I {sizes.Independent}, S_E {sizes.Extra}) but the pool holds {pool.Count}.");
        var ids = pool.Select(s => s.Id).Order().ToList();
        DeterministicRandom.For(seed, "splits").Shuffle(ids);
        var splitOf = new Dictionary<SampleId, Split>(sizes.Total);
        int next = 0;
        foreach (var split in Enum.GetValues<Split>())
            for (int k = 0; k < sizes[split]; k++)
                splitOf[ids[next++]] = split;
        return new SplitPlan(splitOf);
    }

    public IReadOnlyList<SampleId> Members(Split split) => _members[split];

    public int Count => _splitOf.Count;

    public Split? SplitOf(SampleId id) => _splitOf.TryGetValue(id, out var s) ? s : null;

    /// <summary>What model f trains on: S_S ∪ S_C.</summary>
    public IReadOnlyList<SampleId> MembershipOfF => Members(Split.Shared).Concat(Members(Split.Candidates)).Order().ToList();

    /// <summary>What model g trains on: S_S ∪ S_I.</summary>
    public IReadOnlyList<SampleId> MembershipOfG => Members(Split.Shared).Concat(Members(Split.Independent)).Order().ToList();

    public void Save(string path)
    {
        var csv = new StringBuilder("sample_id,split\n");
        foreach (var (id, split) in _splitOf.OrderBy(kv => kv.Key))
            csv.Append(id.Value).Append(',').Append(split.Short()).Append('\n');
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    public static SplitPlan Load(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != "sample_id,split")
            throw new DataFormatException(path, null, "expected the header 'sample_id,split'");
        var splitOf = new Dictionary<SampleId, Split>();
        for (int n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0) continue;
            var fields = lines[n].Split(',');
            if (fields.Length != 2) throw new DataFormatException(path, null, $"line {n + 1}: expected 2 fields, got {fields.Length}");
            var id = new SampleId(fields[0]);
            if (!SplitNames.TryParse(fields[1], out var split))
                throw new DataFormatException(path, id, $"line {n + 1}: unknown split '{fields[1]}'");
            if (!splitOf.TryAdd(id, split))
                throw new DataFormatException(path, id, $"line {n + 1}: sample listed twice");
        }
        return new SplitPlan(splitOf);
    }

    /// <summary>Writes a membership list (one id per line), the record each trained model keeps of what it saw.</summary>
    public static void SaveMembership(string path, IEnumerable<SampleId> members) =>
        AtomicFile.WriteAllText(path, string.Concat(members.Select(id => id.Value + "\n")));
}
