using System.Text.Json;
using ClipMem.Common;

namespace ClipMem.Experiments.Scheduling.Slurm;

/// <summary>
/// One stage's array as submitted: its script, the file listing its jobs (array task k runs line k + 1), the Slurm
/// job id (null in a dry run) and, for a resubmission, the task indices it reran (null: all of them).
/// </summary>
public sealed record SubmittedStage(int Stage, string Script, string JobsFile, IReadOnlyList<string> Jobs, string? SlurmJobId, IReadOnlyList<int>? Tasks = null)
{
    /// <summary>The Slurm ids of its tasks ("1234_5") by plan job id.</summary>
    public IEnumerable<(string Job, string Task)> TaskIds() => SlurmJobId is null
        ? []
        : (Tasks ?? Enumerable.Range(0, Jobs.Count).ToList()).Select(k => (Jobs[k], $"{SlurmJobId}_{k}"));
}

/// <summary>One `clipmem slurm submit` (or resubmit): where its scripts are and what it submitted.</summary>
public sealed record Submission(int Number, string SubmittedUtc, string Folder, bool DryRun, IReadOnlyList<SubmittedStage> Stages, string? Note = null);

/// <summary>slurm/submissions.json in the plan's folder: every submission, oldest first.</summary>
public static class SlurmLedger
{
    public const string Folder = "slurm", FileName = "submissions.json";

    public static string PathOf(string planRoot) => Path.Combine(planRoot, Folder, FileName);

    public static IReadOnlyList<Submission> Read(string planRoot)
    {
        string path = PathOf(planRoot);
        if (!File.Exists(path)) return [];
        try { return JsonSerializer.Deserialize<List<Submission>>(File.ReadAllText(path), Json.Options) ?? []; }
        catch (JsonException e) { throw new InvalidDataException($"{path}: unreadable submission record ({e.Message}).", e); }
    }

    public static void Append(string planRoot, Submission submission)
    {
        var all = Read(planRoot).Append(submission).ToList();
        Directory.CreateDirectory(Path.Combine(planRoot, Folder));
        AtomicFile.WriteAllText(PathOf(planRoot), JsonSerializer.Serialize(all, Json.Options));
    }

    public static int NextNumber(string planRoot) => Read(planRoot).Select(s => s.Number).DefaultIfEmpty(0).Max() + 1;
}
