using System.Globalization;
using System.Runtime.InteropServices;

namespace ClipMem.Common;

/// <summary>
/// Seeded kills for the kill-and-resume harness (<see cref="Diagnostics.KillResumeTrials"/>). When
/// CLIPMEM_KILL_AT is set, a job dies by SIGKILL at the moment it names, as in a power cut or `kill -9`:
/// <list type="bullet">
/// <item>"phase:NAME+SECONDS": the main job and every process it started, SECONDS after the phase NAME starts (<see cref="PhaseTimes"/>), wherever the job is then;</item>
/// <item>"checkpoint-write:N": a training job alone (it inherits the variable), inside its N-th checkpoint write,
/// after the weights are on disk and before the manifest, the moment a torn checkpoint would be made;</item>
/// <item>"job:ID": a plan's job ID (`clipmem run-job`), as it starts: a task a scheduler must report as failed and run again.</item>
/// </list>
/// The moment is chosen inside the job rather than by a watcher outside it because phases last from 0.1 s
/// to minutes: an outside clock cannot hit a 0.1 s phase, a timer started by the phase itself can.
/// Without the variable every call here returns at once. With CLIPMEM_KILL_RECORD naming a file, a line is
/// appended to it just before the kill, so the harness knows the kill happened even when the job recovered
/// from it on its own (a killed training job is retried from its checkpoint by its parent).
/// </summary>
public static class FaultInjection
{
    public const string Variable = "CLIPMEM_KILL_AT";

    public const string RecordVariable = "CLIPMEM_KILL_RECORD";

    public const string CheckpointWrite = "checkpoint-write";

    public const string PlanJob = "job";

    private static readonly KillAt? Planned = KillAt.Parse(Environment.GetEnvironmentVariable(Variable));
    private static int _checkpointWrites;

    /// <summary>A planned kill: after a phase starts (Phase, Seconds), at the Hit-th checkpoint write, or as a plan's job starts (Job).</summary>
    public sealed record KillAt(string? Phase, double Seconds, int Hit, string? Job = null)
    {
        public static KillAt? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (text.StartsWith("phase:", StringComparison.Ordinal) && text.LastIndexOf('+') is var plus and > 6
                && double.TryParse(text[(plus + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
                return new KillAt(text[6..plus], seconds, 0);
            if (text.StartsWith(CheckpointWrite + ":", StringComparison.Ordinal)
                && int.TryParse(text[(CheckpointWrite.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int hit) && hit >= 1)
                return new KillAt(null, 0, hit);
            if (text.StartsWith(PlanJob + ":", StringComparison.Ordinal) && text.Length > PlanJob.Length + 1)
                return new KillAt(null, 0, 0, text[(PlanJob.Length + 1)..]);
            throw new ArgumentException($"{Variable}={text}: expected phase:NAME+SECONDS, {CheckpointWrite}:N (N from 1) or {PlanJob}:ID");
        }

        public override string ToString() => Job is not null ? $"{PlanJob}:{Job}" : Phase is null
            ? $"{CheckpointWrite}:{Hit}"
            : string.Create(CultureInfo.InvariantCulture, $"phase:{Phase}+{Seconds:F3}");
    }

    public static void PhaseStarted(string phase)
    {
        if (Planned?.Phase != phase) return;
        var timer = new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(Planned.Seconds));
            KillTree();
        }) { IsBackground = true, Name = "fault-injection" };
        timer.Start();
    }

    public static void JobStarted(string id)
    {
        if (Planned?.Job == id) KillTree();
    }

    public static void CheckpointWritten()
    {
        if (Planned is { Phase: null, Job: null } planned && Interlocked.Increment(ref _checkpointWrites) == planned.Hit) KillTree();
    }

    /// <summary>
    /// A job planning a phase kill leads a process group of its own, joined by every child it starts later;
    /// the kill is one SIGKILL to the group. Killing the children one by one and then itself would leave a
    /// window in which its job runner sees a child die and starts the retry (seen: an orphaned retry wrote a
    /// temporary after the resumed run had cleaned up).
    /// </summary>
    private static readonly bool LeadsGroup = Planned?.Phase is not null && !IsChildJob && setpgid(0, 0) == 0;

    /// <summary>A training job started by the main job (they inherit the variable): it stays in its parent's group, to die with it.</summary>
    private static bool IsChildJob => Environment.GetEnvironmentVariable(Experiments.Jobs.ParentWatch.EnvironmentVariable) == "1";

    /// <summary>SIGKILL to this process and, when it leads its group, every process it started: nothing runs a handler or a finaliser.</summary>
    private static void KillTree()
    {
        int self = Environment.ProcessId;
        if (Environment.GetEnvironmentVariable(RecordVariable) is { Length: > 0 } record)
            File.AppendAllText(record, $"pid {self}: SIGKILL at {Planned}{Environment.NewLine}");
        _ = kill(LeadsGroup ? -self : self, SigKill);
        Thread.Sleep(Timeout.Infinite);
    }

    private const int SigKill = 9;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    private static extern int setpgid(int pid, int processGroup);
}
