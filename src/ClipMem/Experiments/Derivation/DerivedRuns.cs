using System.Globalization;
using System.Text.Json;
using ClipMem.Common;
using ClipMem.Data;

namespace ClipMem.Experiments.Derivation;

/// <summary>
/// Runs derived from a finished parent run. A derived run's config is the parent's plus the derivation, so
/// its hash differs from the parent's and from every other derivation; lineage.json records the parent's
/// directory and hash and what was derived. It reuses the parent's splits and tokenizer (copied) and its g
/// (read from the parent's directory, never retrained), and retrains only f.
/// </summary>
public static class DerivedRuns
{
    public const string LineageFile = "lineage.json";
    public const string RemovedFile = "removed.txt";

    /// <summary>Default location: beside the parent, named by the derivation.</summary>
    public static string DefaultPath(string parentRoot, RemovalRanking ranking, int count) =>
        $"{Path.GetFullPath(parentRoot).TrimEnd(Path.DirectorySeparatorChar)}-remove-{ranking.ToString().ToLowerInvariant()}-{count.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Creates (or reopens) the run that removes the top <paramref name="count"/> of the parent's S_C under
    /// <paramref name="ranking"/> and retrains f. The parent must be finished (it needs its scores).
    /// </summary>
    public static (RunDirectory Run, ExperimentConfig Config) CreateRemoval(string parentRoot, RemovalRanking ranking, int count, RuntimeOptions runtime, string? root = null) =>
        CreateRemoval(ClipMemRuns.Open(parentRoot), ranking, count, runtime, root);

    /// <summary>The same, from a parent already opened with <see cref="ClipMemRuns.Open"/>.</summary>
    public static (RunDirectory Run, ExperimentConfig Config) CreateRemoval(ClipMemResult parent, RemovalRanking ranking, int count, RuntimeOptions runtime, string? root = null)
    {
        string parentRoot = parent.RunDirectory;
        if (parent.Config.Mitigation<Removal>() is not null)
            throw new ArgumentException($"{parentRoot} is itself a removal run; derive removals from the baseline run it came from.");
        var removal = new Removal(parent.Config.Hash(), ranking, count);
        var removed = removal.Choose(parent.Rows, parent.Config.Seed);
        var config = parent.Config.With(removal);
        var run = RunDirectory.Open(root ?? DefaultPath(parentRoot, ranking, count), config, runtime);
        var lineage = new Lineage(parent.RunDirectory, removal.ParentConfigHash, "removal", ranking, count, removed, DateTime.UtcNow.ToString("O"));
        AtomicFile.WriteAllText(run.PathOf(LineageFile), JsonSerializer.Serialize(lineage, Json.Options));
        AtomicFile.WriteAllText(run.PathOf(RemovedFile), string.Concat(removed.Select(id => id + "\n")));
        string tokenizer = run.PathOf("tokenizer.json");
        if (!File.Exists(tokenizer)) AtomicFile.WriteAllBytes(tokenizer, File.ReadAllBytes(Path.Combine(parent.RunDirectory, "tokenizer.json")));
        return (run, config);
    }

    /// <summary>The lineage of a derived run directory; an error naming the file when it is missing or unreadable.</summary>
    public static Lineage ReadLineage(string runRoot)
    {
        string path = Path.Combine(runRoot, LineageFile);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{runRoot}: its config names a parent run but {LineageFile} is missing; derive it again with `clipmem derive`.");
        try
        {
            return JsonSerializer.Deserialize<Lineage>(File.ReadAllText(path), Json.Options) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path}: unreadable lineage ({e.Message}).", e);
        }
    }

    /// <summary>The removed sample ids a removal run recorded.</summary>
    public static IReadOnlySet<SampleId> ReadRemoved(string runRoot) =>
        File.ReadAllLines(Path.Combine(runRoot, RemovedFile)).Where(l => l.Length > 0).Select(l => new SampleId(l)).ToHashSet();
}
