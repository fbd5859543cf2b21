using ClipMem.Common;

namespace ClipMem.Experiments.Derivation;

/// <summary>How the samples to remove are chosen from the parent run's S_C (PAPER.md section 5, removal).</summary>
public enum RemovalRanking
{
    /// <summary>The most memorized first: CLIPMem descending.</summary>
    Clipmem,

    /// <summary>The lowest image-text cosine under f first (the study's "lowest CLIP similarity" baseline).</summary>
    LowestSimilarity,

    /// <summary>A seeded random choice (the study's random baseline).</summary>
    Random,
}

/// <summary>
/// The removal mitigation as part of a derived run's config: which parent (by its config hash), by which
/// ranking, how many. f is retrained from scratch without the removed S_C samples; everything else (splits,
/// tokenizer, g) is the parent's.
/// </summary>
public sealed record Removal(string ParentConfigHash, RemovalRanking Ranking, int Count) : Mitigations.Mitigation
{
    public const string KindName = "removal";

    [System.Text.Json.Serialization.JsonIgnore]
    public override string Kind => KindName;

    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(ParentConfigHash)) throw new ArgumentException("mitigations.removal.parent_config_hash is empty: a removal run names its parent.");
        if (!Enum.IsDefined(Ranking))
            throw new ArgumentException($"mitigations.removal.ranking = {(int)Ranking}: allowed values are {string.Join(", ", Enum.GetNames<RemovalRanking>().Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)))}.");
        if (Count < 0) throw new ArgumentException($"mitigations.removal.count = {Count}: allowed values are 0 or more.");
    }

    /// <summary>The S_C samples to remove from the parent's score rows: the first Count under the ranking.</summary>
    public IReadOnlyList<string> Choose(IReadOnlyList<ScoreRow> parentRows, ulong seed)
    {
        var candidates = parentRows.Where(r => r.Split == "S_C").ToList();
        if (Count < 0 || Count > candidates.Count)
            throw new ArgumentException($"remove = {Count}: allowed values are 0..{candidates.Count}, the size of the parent's S_C.");
        IEnumerable<ScoreRow> ordered = Ranking switch
        {
            RemovalRanking.Clipmem => candidates.OrderByDescending(r => r.ClipMem).ThenBy(r => r.SampleId, StringComparer.Ordinal),
            RemovalRanking.LowestSimilarity => candidates.OrderBy(r => r.PositiveF).ThenBy(r => r.SampleId, StringComparer.Ordinal),
            RemovalRanking.Random => Shuffled(candidates.OrderBy(r => r.SampleId, StringComparer.Ordinal).ToArray(), seed),
            _ => throw new ArgumentException($"ranking = {Ranking}: allowed values are {string.Join(", ", Enum.GetNames<RemovalRanking>())}."),
        };
        return ordered.Take(Count).Select(r => r.SampleId).ToList();
    }

    private static ScoreRow[] Shuffled(ScoreRow[] rows, ulong seed)
    {
        DeterministicRandom.For(seed, "removal-random").Shuffle(rows);
        return rows;
    }
}

/// <summary>What a derived run records about where it came from (lineage.json).</summary>
public sealed record Lineage(string ParentRun, string ParentConfigHash, string Kind, RemovalRanking Ranking, int Count, IReadOnlyList<string> Removed,
    string CreatedAtUtc);
