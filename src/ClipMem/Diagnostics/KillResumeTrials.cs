using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ClipMem.Common;
using ClipMem.Experiments.Jobs;
using ClipMem.Training;

namespace ClipMem.Diagnostics;

/// <summary>One trial: the main job killed (SIGKILL, the whole process tree) at a moment aimed at a phase, then resumed to the end.</summary>
public sealed record KillResumeTrial(int Index, string Phase, double KillAtSeconds, bool Killed, IReadOnlyList<string> Differences)
{
    public bool Identical => Differences.Count == 0;
}

/// <summary>
/// Fault injection for the main job: an uninterrupted `reproduce` is the reference; each trial starts the same
/// job in its own run directory, kills it and its training jobs with SIGKILL at a seeded moment inside one
/// phase's window (from the reference's phase_seconds), reruns it to completion and compares every artefact
/// byte for byte with the reference: the final weights of f and g, their embeddings, the score tables, the
/// splits, the tokenizer and summary.json without its timings.
/// <para>
/// The aim is approximate (a killed run's phases do not start at exactly the reference's times, and a kill
/// that comes after the job ended is retried earlier); what must hold for every trial is the outcome:
/// resuming gives the same artefacts as never being killed.
/// </para>
/// </summary>
public sealed class KillResumeTrials(string root, string preset, TextWriter log, ulong seed = 0)
{
    /// <summary>Artefacts compared byte for byte (report.html and metrics.jsonl carry timings, summary.json is compared without them).</summary>
    public static IReadOnlyList<string> ComparedFiles { get; } =
        ["scores.csv", "scores_long.csv", "scores.parquet", "splits.csv", "miscaptions.csv", "tokenizer.json", "embeddings_f.bin", "embeddings_g.bin"];

    private static readonly string[] TimingFields = ["wall_seconds", "train_seconds", "train_samples_per_second", "phase_seconds"];

    public IReadOnlyList<KillResumeTrial> Run(int trials, IReadOnlyList<string>? phases = null)
    {
        string reference = Path.Combine(root, "reference");
        double wall = RunToEnd(reference);
        var windows = PhaseWindows(reference, wall);
        var aimed = (phases ?? windows.Keys.ToList()).Where(windows.ContainsKey).ToList();
        if (aimed.Count == 0) throw new ArgumentException($"no phase to aim at: the reference run has {string.Join(", ", windows.Keys)}");
        var random = DeterministicRandom.For(seed, "kill-resume");
        var results = new List<KillResumeTrial>();
        for (int i = 0; i < trials; i++)
        {
            string phase = aimed[i % aimed.Count];
            var (start, end) = windows[phase];
            double at = start + random.NextDouble() * (end - start);
            string directory = Path.Combine(root, $"trial-{i:D3}");
            bool killed = RunAndKill(directory, at);
            // A job that ran faster than the reference (a loaded machine slows one run, not the other) finished
            // before its kill: that is no trial. Start it afresh with the kill at half the time, a few times at most.
            for (int retry = 0; !killed && retry < 3; retry++)
            {
                Directory.Delete(directory, recursive: true);
                File.Delete(LogOf(directory));
                at /= 2;
                killed = RunAndKill(directory, at);
            }
            RunToEnd(directory);
            var trial = new KillResumeTrial(i, phase, at, killed, Compare(reference, directory));
            log.WriteLine($"trial {i}: aimed at {phase} ({at:F1} s), {(killed ? "killed" : "finished before the kill")}; " +
                          (trial.Identical ? "identical" : "DIFFERS: " + string.Join("; ", trial.Differences)));
            results.Add(trial);
        }
        return results;
    }

    /// <summary>Each phase's [start, end) in seconds from the process start: the reference's phases in order, after its start-up.</summary>
    public static IReadOnlyDictionary<string, (double Start, double End)> PhaseWindows(string runDirectory, double wallSeconds)
    {
        var phases = (JsonNode.Parse(File.ReadAllText(Path.Combine(runDirectory, "summary.json")))?["phase_seconds"]?.AsObject())
                     ?? throw new InvalidOperationException($"{runDirectory}/summary.json records no phase_seconds");
        double clock = Math.Max(0, wallSeconds - phases.Sum(p => (double)p.Value!));
        var windows = new Dictionary<string, (double, double)>();
        foreach (var (name, seconds) in phases)
        {
            windows[name] = (clock, clock + (double)seconds!);
            clock += (double)seconds!;
        }
        return windows;
    }

    /// <summary>Every difference between a trial's artefacts and the reference's; empty when they are the same.</summary>
    public static IReadOnlyList<string> Compare(string reference, string trial)
    {
        var differences = new List<string>();
        foreach (var file in ComparedFiles)
            if (Digest(Path.Combine(reference, file)) != Digest(Path.Combine(trial, file))) differences.Add($"{file} differs");
        foreach (var model in new[] { "f", "g" })
        {
            string? a = Checkpoint.Latest(Path.Combine(reference, model, "checkpoints")), b = Checkpoint.Latest(Path.Combine(trial, model, "checkpoints"));
            if (a is null || b is null || Path.GetFileName(a) != Path.GetFileName(b)) differences.Add($"{model}: final checkpoint {Name(a)} vs {Name(b)}");
            else if (Digest(Path.Combine(a, "model.bin")) != Digest(Path.Combine(b, "model.bin"))) differences.Add($"{model}: final weights differ");
        }
        if (WithoutTimings(reference) != WithoutTimings(trial)) differences.Add("summary.json (without timings) differs");
        return differences;
    }

    private static string Name(string? checkpoint) => checkpoint is null ? "none" : Path.GetFileName(checkpoint);

    private static string Digest(string path) => File.Exists(path) ? Checksums.Of(path) : "missing";

    private static string WithoutTimings(string runDirectory)
    {
        string path = Path.Combine(runDirectory, "summary.json");
        if (!File.Exists(path)) return "missing";
        var summary = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var field in TimingFields) summary.Remove(field);
        return Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(summary.ToJsonString())));
    }

    private string[] Arguments(string directory) => ["reproduce", "--preset", preset, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.GetFullPath(directory)];

    private double RunToEnd(string directory)
    {
        var clock = Stopwatch.StartNew();
        int code;
        using (var job = new Job(Arguments(directory), directory))
        {
            job.Process.WaitForExit();
            code = job.Process.ExitCode;
        }
        if (code != 0)
            throw new InvalidOperationException($"{ClipMemCommand.Display(Arguments(directory))} failed with exit code {code}: {LastLines(directory)}");
        return clock.Elapsed.TotalSeconds;
    }

    private bool RunAndKill(string directory, double atSeconds)
    {
        using var job = new Job(Arguments(directory), directory);
        if (job.Process.WaitForExit(TimeSpan.FromSeconds(atSeconds))) return false;
        job.Process.Kill(entireProcessTree: true);
        job.Process.WaitForExit();
        return true;
    }

    private static string LogOf(string directory) => Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + ".log";

    /// <summary>The clipmem command running in a run directory, both output streams drained into DIRECTORY.log.</summary>
    private sealed class Job : IDisposable
    {
        private readonly TextWriter _log;

        public Process Process { get; }

        public Job(IReadOnlyList<string> arguments, string directory)
        {
            // Beside the run directory: `reproduce` refuses a non-empty folder that is not yet a run directory.
            Directory.CreateDirectory(Path.GetDirectoryName(LogOf(directory))!);
            _log = TextWriter.Synchronized(new StreamWriter(LogOf(directory), append: true) { AutoFlush = true });
            Process = Process.Start(ClipMemCommand.StartInfo(arguments)) ?? throw new InvalidOperationException("could not start the clipmem command");
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.WriteLine(e.Data); };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.WriteLine(e.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public void Dispose()
        {
            Process.WaitForExit();   // also waits for the last output lines
            _log.WriteLine($"exit code {Process.ExitCode}");
            _log.Dispose();
            Process.Dispose();
        }
    }

    private static string LastLines(string directory)
    {
        string path = LogOf(directory);
        return File.Exists(path) ? string.Join(" | ", File.ReadLines(path).TakeLast(5)) : "(no log)";
    }
}
