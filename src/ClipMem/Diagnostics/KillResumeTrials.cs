using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ClipMem.Common;
using ClipMem.Experiments.Jobs;
using ClipMem.Training;

namespace ClipMem.Diagnostics;

/// <summary>One trial: the main job killed (SIGKILL, the whole process tree) at one moment, then resumed to the end.</summary>
/// <param name="Target">What the kill was aimed at: a phase of the job, or the checkpoint write of a training job.</param>
/// <param name="KillAt">The moment, as CLIPMEM_KILL_AT spells it (<see cref="FaultInjection"/>).</param>
public sealed record KillResumeTrial(int Index, string Target, string KillAt, bool Killed, IReadOnlyList<string> Differences)
{
    public bool Identical => Differences.Count == 0;
}

/// <summary>How the trials aimed at one target ended.</summary>
public sealed record KillResumeTally(string Target, int Trials, int Killed, int Identical);

/// <summary>What `clipmem diagnose kill-resume` writes to kill-resume.json: the tally, and what it was measured on.</summary>
public sealed record KillResumeRecord(string Preset, ulong Seed, string Machine, IReadOnlyList<KillResumeTally> Tally);

/// <summary>
/// Fault injection for the main job: an uninterrupted `reproduce` is the reference; each trial starts the same
/// job in its own run directory with a seeded kill (<see cref="FaultInjection"/>): at a moment inside one
/// phase (drawn over the reference's duration of that phase, counted from the phase's start), or inside the
/// N-th checkpoint write of the training jobs. It then reruns the job to completion and compares every
/// artefact byte for byte with the reference: the final weights of f and g, their embeddings, the score
/// tables, the splits, the tokenizer and summary.json without its timings; and no temporary may be left.
/// </summary>
public sealed class KillResumeTrials(string root, string preset, TextWriter log, ulong seed = 0)
{
    /// <summary>Artefacts compared byte for byte (report.html and metrics.jsonl carry timings, summary.json is compared without them).</summary>
    public static IReadOnlyList<string> ComparedFiles { get; } =
        ["scores.csv", "scores_long.csv", "scores.parquet", "splits.csv", "miscaptions.csv", "tokenizer.json", "embeddings_f.bin", "embeddings_g.bin"];

    /// <summary>The target that kills inside a training job's checkpoint write rather than in a phase of the main job.</summary>
    public const string CheckpointWrite = FaultInjection.CheckpointWrite;

    private static readonly string[] TimingFields = ["wall_seconds", "train_seconds", "train_samples_per_second", "phase_seconds"];

    /// <summary>The reference run, then <paramref name="trialsPerTarget"/> kills aimed at each target (default: every phase and the checkpoint write).</summary>
    public IReadOnlyList<KillResumeTrial> Run(int trialsPerTarget, IReadOnlyList<string>? targets = null)
    {
        string reference = Path.Combine(root, "reference");
        RunToEnd(reference);
        var phases = PhaseSeconds(reference);
        int checkpoints = Directory.GetDirectories(Path.Combine(reference, "f", "checkpoints"), "step-*").Length;
        var known = phases.Keys.Append(CheckpointWrite).ToList();
        var aimed = targets ?? known;
        if (aimed.FirstOrDefault(t => !known.Contains(t)) is { } unknown)
            throw new ArgumentException($"cannot aim at '{unknown}': the reference run has {string.Join(", ", known)}");
        var random = DeterministicRandom.For(seed, "kill-resume");
        var results = new List<KillResumeTrial>();
        foreach (string target in aimed)
            for (int n = 0; n < trialsPerTarget; n++)
            {
                var at = target == CheckpointWrite
                    ? new FaultInjection.KillAt(null, 0, 1 + random.NextInt(checkpoints))
                    : new FaultInjection.KillAt(target, random.NextDouble() * phases[target], 0);
                results.Add(Trial(results.Count, target, at, reference));
            }
        return results;
    }

    private KillResumeTrial Trial(int index, string target, FaultInjection.KillAt at, string reference)
    {
        string directory = Path.Combine(root, $"trial-{index:D3}");
        bool killed = RunAndKill(directory, at);
        // A phase that ran faster than in the reference can end, and the job with it, before its kill: that is no
        // trial. Start afresh with the kill at half the time, a few times at most.
        for (int retry = 0; !killed && at.Phase is not null && retry < 4; retry++)
        {
            Directory.Delete(directory, recursive: true);
            File.Delete(LogOf(directory));
            File.Delete(RecordOf(directory));
            at = at with { Seconds = at.Seconds / 2 };
            killed = RunAndKill(directory, at);
        }
        RunToEnd(directory);
        var trial = new KillResumeTrial(index, target, at.ToString(), killed, Compare(reference, directory));
        log.WriteLine($"trial {index}: {at}, {(killed ? "killed" : "finished before the kill")}; " +
                      (trial.Identical ? "identical" : "DIFFERS: " + string.Join("; ", trial.Differences)));
        return trial;
    }

    /// <summary>Trials, kills and identical outcomes per target, in the order the targets were tried.</summary>
    public static IReadOnlyList<KillResumeTally> Tally(IEnumerable<KillResumeTrial> trials) =>
        trials.GroupBy(t => t.Target).Select(g => new KillResumeTally(g.Key, g.Count(), g.Count(t => t.Killed), g.Count(t => t.Identical))).ToList();

    /// <summary>Each phase's seconds in the reference run, in the order the phases ran.</summary>
    public static IReadOnlyDictionary<string, double> PhaseSeconds(string runDirectory)
    {
        var phases = (JsonNode.Parse(File.ReadAllText(Path.Combine(runDirectory, "summary.json")))?["phase_seconds"]?.AsObject())
                     ?? throw new InvalidOperationException($"{runDirectory}/summary.json records no phase_seconds");
        return phases.ToDictionary(p => p.Key, p => (double)p.Value!);
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
        foreach (var left in Directory.EnumerateFileSystemEntries(trial, "*.tmp", SearchOption.AllDirectories))
            differences.Add($"temporary left behind: {Path.GetRelativePath(trial, left)}");
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

    private void RunToEnd(string directory)
    {
        int code;
        using (var job = new Job(Arguments(directory), directory, killAt: null))
        {
            job.Process.WaitForExit();
            code = job.Process.ExitCode;
        }
        if (code != 0)
            throw new InvalidOperationException($"{ClipMemCommand.Display(Arguments(directory))} failed with exit code {code}: {LastLines(directory)}");
    }

    /// <summary>Runs the job with its kill planned; true when the kill happened (the job may still have finished: a killed training job is retried by its parent).</summary>
    private bool RunAndKill(string directory, FaultInjection.KillAt at)
    {
        string record = RecordOf(directory);
        File.Delete(record);
        using (var job = new Job(Arguments(directory), directory, at)) job.Process.WaitForExit();
        return File.Exists(record);
    }

    private static string RecordOf(string directory) => Path.ChangeExtension(LogOf(directory), ".kills");

    private static string LogOf(string directory) => Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + ".log";

    /// <summary>The clipmem command running in a run directory, both output streams drained into DIRECTORY.log.</summary>
    private sealed class Job : IDisposable
    {
        private readonly TextWriter _log;

        public Process Process { get; }

        public Job(IReadOnlyList<string> arguments, string directory, FaultInjection.KillAt? killAt)
        {
            // Beside the run directory: `reproduce` refuses a non-empty folder that is not yet a run directory.
            Directory.CreateDirectory(Path.GetDirectoryName(LogOf(directory))!);
            _log = TextWriter.Synchronized(new StreamWriter(LogOf(directory), append: true) { AutoFlush = true });
            var start = ClipMemCommand.StartInfo(arguments);
            start.Environment.Remove(FaultInjection.Variable);
            start.Environment.Remove(FaultInjection.RecordVariable);
            if (killAt is not null)
            {
                start.Environment[FaultInjection.Variable] = killAt.ToString();
                start.Environment[FaultInjection.RecordVariable] = RecordOf(directory);
            }
            _log.WriteLine(killAt is null ? "run to the end" : $"{FaultInjection.Variable}={killAt}");
            Process = Process.Start(start) ?? throw new InvalidOperationException("could not start the clipmem command");
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
