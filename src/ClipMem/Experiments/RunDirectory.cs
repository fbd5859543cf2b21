using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClipMem.Common;
using ClipMem.Experiments.Jobs;

namespace ClipMem.Experiments;

/// <summary>
/// The product and cache of one experiment. config.json records the resolved config, its hash, the
/// seed, versions and git revision; a directory written by another config is refused, so nothing of a
/// different experiment is ever overwritten. Every artefact is written atomically.
/// </summary>
public sealed class RunDirectory
{
    public string Root { get; }
    public string ConfigHash { get; }

    private RunDirectory(string root, string hash)
    {
        Root = root;
        ConfigHash = hash;
    }

    /// <summary>
    /// Opens (or creates) the run directory for this config; refuses one that belongs to another config.
    /// A directory that holds only a config.json (a run that failed before it wrote anything else, such as
    /// one given a bad dataset path) belongs to no one, so the corrected command takes it over.
    /// </summary>
    public static RunDirectory Open(string root, ExperimentConfig config, RuntimeOptions runtime)
    {
        config.Validate();
        string hash = config.Hash();
        string configPath = Path.Combine(root, ConfigFile);
        if (File.Exists(configPath))
        {
            string? existing = null;
            try { existing = JsonNode.Parse(File.ReadAllText(configPath))?["config_hash"]?.GetValue<string>(); }
            catch (JsonException) { /* handled below */ }
            if (HoldsOnlyItsConfig(root))
            {
                // Taking over rewrites config.json: not while another process works in the directory.
                if (existing != hash) using (ClaimOf(root)) { }
            }
            else
            {
                if (existing is null)
                    throw new InvalidOperationException($"{configPath}: unreadable run config; move the directory away or choose another --out.");
                if (existing != hash)
                    throw new InvalidOperationException(
                        $"{root} holds a run of another configuration ({existing}; this one is {hash}). Nothing was overwritten: choose another --out or delete that directory.");
            }
        }
        else if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any(e => !IsLockFile(e)))
        {
            throw new InvalidOperationException($"{root} is not empty and is not a run directory; nothing was overwritten: choose another --out.");
        }
        Directory.CreateDirectory(root);
        var record = new JsonObject
        {
            ["config_hash"] = hash,
            ["config"] = JsonSerializer.SerializeToNode(config, Json.Options),
            ["runtime"] = JsonSerializer.SerializeToNode(runtime, Json.Options),
            ["versions"] = JsonSerializer.SerializeToNode(Versions(), Json.Options),
            ["written_at_utc"] = DateTime.UtcNow.ToString("O"),
        };
        AtomicFile.WriteAllText(configPath, record.ToJsonString(Json.Options));
        return new RunDirectory(root, hash);
    }

    /// <summary>
    /// Opens a run directory that a run (`clipmem reproduce` or `clipmem prepare`) already created, for one of
    /// its jobs; its config.json is read, checked against its hash, and left as it is.
    /// </summary>
    public static (RunDirectory Run, ExperimentConfig Config) OpenExisting(string root)
    {
        string configPath = Path.Combine(root, ConfigFile);
        if (!File.Exists(configPath))
            throw new InvalidOperationException($"{root} is not a run directory: it has no {ConfigFile} (`clipmem prepare --out DIR` or `clipmem reproduce --out DIR` writes one).");
        var config = ClipMemRuns.ReadConfig(configPath);
        return (new RunDirectory(Path.GetFullPath(root), config.Hash()), config);
    }

    public const string ConfigFile = "config.json";

    /// <summary>
    /// The claim a whole run (reproduce, prepare) holds on its directory; jobs claim their own parts. Once held,
    /// the temporaries a killed run left behind (their writer's pid is gone) are removed.
    /// </summary>
    public RunLock Claim()
    {
        var claim = ClaimOf(Root);
        AtomicFile.RemoveOrphans(Root);
        return claim;
    }

    private static RunLock ClaimOf(string root) => RunLock.Acquire(Path.Combine(root, "run.lock"), $"run directory {root}");

    private static bool IsLockFile(string path) =>
        path.EndsWith(".lock", StringComparison.Ordinal) || path.EndsWith(".lock" + RunLock.HolderSuffix, StringComparison.Ordinal);

    private static bool HoldsOnlyItsConfig(string root) =>
        Directory.EnumerateFileSystemEntries(root).All(e => Path.GetFileName(e) == ConfigFile || IsLockFile(e));

    /// <summary>Default location: runs/&lt;preset&gt;-&lt;dataset&gt;-seed&lt;seed&gt;-&lt;hash&gt; under the working directory.</summary>
    public static string DefaultPath(ExperimentConfig config) =>
        Path.Combine("runs", $"{config.Preset}-{config.Data.Dataset}-seed{config.Seed}-{config.Hash()}");

    /// <summary>
    /// Where a notebook's or script's run lives: <paramref name="requested"/> when it is not empty, else the
    /// config's <see cref="DefaultPath"/> in the checkout (<see cref="InCheckout"/>), so every notebook finds
    /// the runs the CLI and the other notebooks made.
    /// </summary>
    public static string Resolve(ExperimentConfig config, string? requested = null) =>
        string.IsNullOrWhiteSpace(requested) ? InCheckout(DefaultPath(config)) : Path.GetFullPath(requested);

    /// <summary>A path relative to the checkout's root: the nearest folder above the working directory holding ClipMem.Workbench.sln (else the working directory).</summary>
    public static string InCheckout(string relative)
    {
        var folder = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ClipMem.Workbench.sln"))) folder = folder.Parent;
        return Path.GetFullPath(Path.Combine(folder?.FullName ?? Directory.GetCurrentDirectory(), relative));
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    public static IReadOnlyDictionary<string, string> Versions() => new Dictionary<string, string>
    {
        ["clipmem"] = typeof(RunDirectory).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["libtorch"] = TorchSharp.torch.__version__ ?? "unknown",
        ["dotnet"] = Environment.Version.ToString(),
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["cpu"] = ClipMem.Common.MachineInfo.Describe(),
        ["git_revision"] = GitRevision(),
    };

    private static string GitRevision()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            });
            if (git is null) return "unknown";
            string revision = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit(5000);
            return git.ExitCode == 0 && revision.Length > 0 ? revision : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
