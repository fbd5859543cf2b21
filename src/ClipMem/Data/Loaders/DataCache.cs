namespace ClipMem.Data.Loaders;

/// <summary>
/// Where fetched real data lives: outside the checkout, so a clean clone stays small and several checkouts
/// (worktrees, CI runs) share one download. CLIPMEM_CACHE wins, then the XDG cache folder, then ~/.cache.
/// </summary>
public static class DataCache
{
    public const string EnvironmentVariable = "CLIPMEM_CACHE";

    public static string Root => ResolveRoot(Environment.GetEnvironmentVariable);

    /// <summary>The cache root for a given environment (a parameter so the rule can be tested without touching the process's environment).</summary>
    public static string ResolveRoot(Func<string, string?> environment)
    {
        if (NonEmpty(environment(EnvironmentVariable)) is { } explicitRoot) return Path.GetFullPath(explicitRoot);
        if (NonEmpty(environment("XDG_CACHE_HOME")) is { } xdg) return Path.GetFullPath(Path.Combine(xdg, "clipmem"));
        string home = NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.GetFullPath(Path.Combine(home, ".cache", "clipmem"));
    }

    /// <summary>The folder fetched datasets go into, one subfolder per dataset name.</summary>
    public static string DatasetsFolder(string cacheRoot) => Path.Combine(cacheRoot, "datasets");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
