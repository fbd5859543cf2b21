using System.Diagnostics;
using ClipMem.Training;

namespace ClipMem.Experiments.Jobs;

/// <summary>One job for a child `clipmem` process: its arguments, where its output goes, and its name in messages.</summary>
public sealed record JobSpec(string Name, IReadOnlyList<string> Arguments, string LogPath);

/// <summary>A job that did not finish: what died, how, where its log is, and the command that resumes it.</summary>
public sealed class JobFailedException(string message) : Exception(message);

/// <summary>
/// Runs jobs as child processes, at once or one after another, and waits for them. A child's progress
/// lines reach <see cref="Progress"/>; everything else it prints goes to its log file. A child killed by a
/// signal (a crash) is retried once, and resumes from its last checkpoint; an error exit is not retried,
/// since the same input gives the same error.
/// </summary>
public sealed class JobRunner(TextWriter log)
{
    private const int LastLines = 8;

    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>How a job's process starts: the clipmem command with the job's arguments (tests start other programs).</summary>
    public Func<JobSpec, ProcessStartInfo> StartInfo { get; init; } = job => ClipMemCommand.StartInfo(job.Arguments);

    public void Run(IReadOnlyList<JobSpec> jobs, bool concurrently) => Run(jobs, concurrently ? Math.Max(1, jobs.Count) : 1);

    /// <summary>Runs the jobs, at most <paramref name="atOnce"/> at a time, and waits for all of them; then reports every failure.</summary>
    public void Run(IReadOnlyList<JobSpec> jobs, int atOnce)
    {
        if (atOnce < 1) throw new ArgumentException($"at least one job at a time, not {atOnce}.");
        // atOnce workers, each a thread of its own (it blocks on its process), take the jobs in the order given.
        var failures = new string?[jobs.Count];
        int next = -1;
        var workers = Enumerable.Range(0, Math.Min(atOnce, jobs.Count)).Select(_ => Task.Factory.StartNew(() =>
        {
            for (int k = Interlocked.Increment(ref next); k < jobs.Count; k = Interlocked.Increment(ref next)) failures[k] = RunWithRetry(jobs[k]);
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(workers);
        var failed = failures.OfType<string>().ToList();
        if (failed.Count > 0) throw new JobFailedException(string.Join(Environment.NewLine, failed));
    }

    /// <summary>Null when the job finished, else the error message.</summary>
    private string? RunWithRetry(JobSpec job)
    {
        var first = RunOnce(job, attempt: 1);
        if (first.ExitCode == 0) return null;
        if (first.Signal is { } signal)
        {
            lock (log) log.WriteLine($"{job.Name}: {Describe(first)}; retrying once from its last checkpoint (log: {job.LogPath})");
            var second = RunOnce(job, attempt: 2);
            if (second.ExitCode == 0) return null;
            return Failure(job, second, $"after a retry (the first attempt was killed by {SignalName(signal)})");
        }
        return Failure(job, first, null);
    }

    private static string Failure(JobSpec job, Outcome outcome, string? note) =>
        $"{job.Name} failed{(note is null ? "" : " " + note)}: {Describe(outcome)}.{Environment.NewLine}" +
        (outcome.LastLines.Count > 0 ? "  last output: " + string.Join(Environment.NewLine + "    ", outcome.LastLines) + Environment.NewLine : "") +
        $"  log: {job.LogPath}{Environment.NewLine}" +
        $"  resume with: {ClipMemCommand.Display(job.Arguments)}";

    private static string Describe(Outcome outcome) => outcome.Signal is { } signal
        ? $"the process was killed by signal {signal} ({SignalName(signal)})"
        : $"the process exited with code {outcome.ExitCode}";

    private Outcome RunOnce(JobSpec job, int attempt)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(job.LogPath))!);
        using var logFile = new StreamWriter(job.LogPath, append: attempt > 1) { AutoFlush = true };
        logFile.WriteLine($"# attempt {attempt}, {DateTime.UtcNow:O}: {ClipMemCommand.Display(job.Arguments)}");
        var last = new Queue<string>();
        var gate = new Lock();
        using var process = new Process { StartInfo = StartInfo(job) };
        process.OutputDataReceived += (_, e) => Line(e.Data, standardError: false);
        process.ErrorDataReceived += (_, e) => Line(e.Data, standardError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        int code = process.ExitCode;
        // On Unix .NET reports a child ended by signal N as exit code 128 + N (the shell's convention).
        int? signal = OperatingSystem.IsWindows() || code <= 128 || code > 128 + 64 ? null : code - 128;
        lock (gate) logFile.WriteLine($"# exit code {code}{(signal is null ? "" : $" (signal {signal}, {SignalName(signal.Value)})")}");
        return new Outcome(code, signal, last.ToList());

        void Line(string? line, bool standardError)
        {
            if (line is null) return;
            if (!standardError && ProgressLine.TryParse(line) is { } progress)
            {
                Progress?.Invoke(progress);
                return;
            }
            lock (gate)
            {
                logFile.WriteLine(line);
                if (line.Trim().Length == 0 || line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.StartsWith("frame #", StringComparison.Ordinal)) return;
                last.Enqueue(line);
                while (last.Count > LastLines) last.Dequeue();
            }
        }
    }

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT, an abort such as a native assertion or an unhandled exception",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL, killed from outside, e.g. by the out-of-memory killer",
        11 => "SIGSEGV, a segmentation fault",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };

    private sealed record Outcome(int ExitCode, int? Signal, IReadOnlyList<string> LastLines);
}
