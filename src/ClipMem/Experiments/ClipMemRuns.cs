using System.Text.Json;
using System.Text.Json.Nodes;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Training;

namespace ClipMem.Experiments;

/// <summary>
/// Finished runs as results: <see cref="Open"/> reads a run directory back (config, summary, score table)
/// and rebuilds its data from the recorded config, without training or scoring anything.
/// </summary>
public static class ClipMemRuns
{
    /// <summary>True when the directory holds a complete run (config, summary and score table).</summary>
    public static bool IsComplete(string runDirectory) =>
        new[] { "config.json", "summary.json", "scores.csv" }.All(f => File.Exists(Path.Combine(runDirectory, f)));

    /// <summary>Reads a finished run. Every missing or inconsistent part is an error that says what to do.</summary>
    public static ClipMemResult Open(string runDirectory, TextWriter? log = null)
    {
        string root = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{runDirectory}: no such run directory.");
        string configPath = Path.Combine(root, "config.json");
        if (!File.Exists(configPath))
            throw new InvalidOperationException($"{runDirectory} is not a run directory: it has no config.json (`clipmem reproduce --out DIR` writes one).");
        var config = ReadConfig(configPath);
        string summaryPath = Path.Combine(root, "summary.json");
        if (!File.Exists(summaryPath))
            throw new InvalidOperationException(
                $"{runDirectory}: the run has not finished (no summary.json). Finish it with `clipmem reproduce --out {runDirectory}` " +
                "and the same options; it resumes from its checkpoints.");
        var summary = JsonSerializer.Deserialize<ClipMemSummary>(File.ReadAllText(summaryPath), Json.Options)
                      ?? throw new InvalidOperationException($"{summaryPath}: empty summary.");
        var rows = ScoreTable.ReadCsv(Path.Combine(root, "scores.csv"));
        var data = ExperimentData.Build(config, log ?? TextWriter.Null);
        CheckRowsMatchData(Path.Combine(root, "scores.csv"), rows, data);
        return new ClipMemResult(root, config, summary, rows, data);
    }

    /// <summary>
    /// Opens the run when it is complete; otherwise runs (or finishes) it, reusing whatever it already holds.
    /// An empty <paramref name="runDirectory"/> means the config's default run (<see cref="RunDirectory.Resolve"/>).
    /// </summary>
    public static ClipMemResult OpenOrRun(ExperimentConfig config, RuntimeOptions runtime, string runDirectory, TextWriter log,
        Action<TrainingProgress>? progress = null)
    {
        var run = RunDirectory.Open(RunDirectory.Resolve(config, runDirectory), config, runtime);
        if (IsComplete(run.Root)) return Open(run.Root, log);
        return new ClipMemExperiment(config, runtime, run, log) { Progress = progress }.Run();
    }

    /// <summary>
    /// The finished run in <paramref name="runDirectory"/> whatever its config, when one is given; otherwise
    /// the default run of <paramref name="config"/>, run first if it is missing (the exploration notebook's choice).
    /// </summary>
    public static ClipMemResult OpenGivenOrRun(string runDirectory, ExperimentConfig config, RuntimeOptions runtime, TextWriter log) =>
        string.IsNullOrWhiteSpace(runDirectory) ? OpenOrRun(config, runtime, "", log) : Open(runDirectory, log);

    /// <summary>The experiment config a run directory recorded; refuses a config.json whose hash does not match its content.</summary>
    public static ExperimentConfig ReadConfig(string configPath)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(configPath)); }
        catch (JsonException e) { throw new InvalidOperationException($"{configPath}: unreadable run config ({e.Message}).", e); }
        var section = node?["config"] ?? throw new InvalidOperationException($"{configPath}: no 'config' entry.");
        ExperimentConfig config;
        try { config = ExperimentConfigFile.Parse(section.ToJsonString(), configPath); }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{e.Message} If an older version of the workbench wrote this run, rerun it with this one (into a new --out).", e);
        }
        string? recorded = node["config_hash"]?.GetValue<string>();
        if (recorded != config.Hash())
            throw new InvalidOperationException(
                $"{configPath}: its config hashes to {config.Hash()}, but the file records {recorded ?? "no hash"}: it was edited or written by another version.");
        return config;
    }

    // The data is rebuilt from the config: if the dataset changed on disk since the run, its rows no longer describe it.
    private static void CheckRowsMatchData(string scoresPath, IReadOnlyList<ScoreRow> rows, ExperimentData data)
    {
        var splitOf = Enum.GetValues<Data.Splits.Split>()
            .SelectMany(s => data.Plan.Members(s).Select(id => (id, Name: Data.Splits.SplitNames.Short(s))))
            .ToDictionary(p => p.id.Value, p => p.Name);
        foreach (var row in rows)
        {
            if (!splitOf.TryGetValue(row.SampleId, out var split))
                throw new DataFormatException(scoresPath, new SampleId(row.SampleId),
                    "is not in the split plan rebuilt from config.json: the dataset changed since this run; rerun it");
            if (split != row.Split)
                throw new DataFormatException(scoresPath, new SampleId(row.SampleId),
                    $"is in {row.Split} in the score table but in {split} in the rebuilt split plan: the dataset changed since this run; rerun it");
        }
    }
}
