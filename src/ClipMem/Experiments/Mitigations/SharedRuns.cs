using System.Text.Json.Nodes;

namespace ClipMem.Experiments.Mitigations;

/// <summary>
/// Finished runs that one mitigation study can take from another: the same config (by hash) is the same run, since a
/// run is a pure function of its config. Table 1's "1 image, 1 caption" and "1 image, 5 captions" are the captions
/// sweep's 1- and 5-caption settings; the removal sweep's baseline is the noise sweep's sigma 0. So a study looks in
/// its own folder and in its sibling studies (folders named mitigation-*) before it trains, and a run finished in one
/// is read, not trained again, by the others.
/// </summary>
public static class SharedRuns
{
    public const string StudyPrefix = "mitigation-";

    /// <summary>The folders a study at <paramref name="studyRoot"/> searches: itself first, then its siblings named mitigation-*.</summary>
    public static IReadOnlyList<string> SearchRootsFor(string studyRoot)
    {
        string own = Path.GetFullPath(studyRoot);
        string? parent = Path.GetDirectoryName(own.TrimEnd(Path.DirectorySeparatorChar));
        var siblings = parent is not null && Directory.Exists(parent)
            ? Directory.EnumerateDirectories(parent, StudyPrefix + "*").Select(Path.GetFullPath).Where(d => d != own).Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return [own, .. siblings];
    }

    /// <summary>
    /// A complete run whose recorded config hash is <paramref name="configHash"/>, in a seed's folder of one of the roots
    /// (root/seed-N/SETTING), or null. Unreadable config files are passed over: they belong to runs being written.
    /// </summary>
    public static string? FindComplete(string configHash, IEnumerable<string> roots)
    {
        foreach (string root in roots.Where(Directory.Exists))
        foreach (string seed in Directory.EnumerateDirectories(root, "seed-*").Order(StringComparer.Ordinal))
        foreach (string run in Directory.EnumerateDirectories(seed).Order(StringComparer.Ordinal))
        {
            if (!ClipMemRuns.IsComplete(run)) continue;
            try
            {
                if (JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))?["config_hash"]?.GetValue<string>() == configHash) return run;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or IOException or InvalidOperationException) { }
        }
        return null;
    }
}
