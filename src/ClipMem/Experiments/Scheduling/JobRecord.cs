using System.Text.Json;
using ClipMem.Common;

namespace ClipMem.Experiments.Scheduling;

/// <summary>
/// What the last attempt at a job left in jobs/ID.json: running, done or failed, when, where (host, pid, the
/// Slurm job and array task when there is one) and the error. The artefacts, not this record, say whether a job
/// is done (a run finished by `reproduce` has no records); the record tells a failure from a job never started.
/// </summary>
public sealed record JobRecord(string Id, string State, int Attempts, string StartedUtc, string? FinishedUtc, double? Seconds, string Host, int Pid,
    string? SlurmJob, string? Error)
{
    public const string Running = "running", Done = "done", Failed = "failed";

    public const string Folder = "jobs";

    public static string PathOf(string planRoot, string id) => Path.Combine(planRoot, Folder, id + ".json");

    public static string LockOf(string planRoot, string id) => Path.Combine(planRoot, Folder, id + ".lock");

    public static JobRecord? Read(string planRoot, string id)
    {
        string path = PathOf(planRoot, id);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<JobRecord>(File.ReadAllText(path), Json.Options); }
        catch (JsonException) { return null; } // a record is advice; an unreadable one is rewritten by the next attempt
    }

    public static JobRecord Start(string planRoot, string id)
    {
        var previous = Read(planRoot, id);
        string? slurm = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { Length: > 0 } array
            ? $"{array}_{Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID")}"
            : Environment.GetEnvironmentVariable("SLURM_JOB_ID");
        var record = new JobRecord(id, Running, (previous?.Attempts ?? 0) + 1, DateTime.UtcNow.ToString("O"), null, null,
            Environment.MachineName, Environment.ProcessId, slurm, null);
        record.Save(planRoot);
        return record;
    }

    public JobRecord Finish(string planRoot, string? error)
    {
        var finished = this with
        {
            State = error is null ? Done : Failed,
            FinishedUtc = DateTime.UtcNow.ToString("O"),
            Seconds = (DateTime.UtcNow - DateTime.Parse(StartedUtc, null, System.Globalization.DateTimeStyles.RoundtripKind)).TotalSeconds,
            Error = error,
        };
        finished.Save(planRoot);
        return finished;
    }

    private void Save(string planRoot)
    {
        string path = PathOf(planRoot, Id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json.Options));
    }
}
