using System.Text.Json;
using System.Text.Json.Nodes;
using ClipMem.Common;

namespace ClipMem.Experiments.Scheduling;

/// <summary>
/// How the plan's jobs run: the device, and the torch threads of a training job and of every other job. They are
/// part of the plan, not of the machine that picks a job up, because libtorch's reductions split by thread: the
/// same job on another thread count ends with other weights. The defaults give the run `reproduce` gives (f and g
/// one thread each, the rest two).
/// </summary>
public sealed record PlanRuntime(string Device = "cpu", int TrainThreads = 1, int Threads = 2)
{
    public RuntimeOptions For(PlannedJob job) => new(Device, job.Kind == JobKind.Train ? TrainThreads : Threads, ConcurrentModels: true);

    public void Validate()
    {
        new RuntimeOptions(Device, TrainThreads).Validate();
        new RuntimeOptions(Device, Threads).Validate();
    }
}

/// <summary>
/// An experiment as a list of jobs with their dependencies (plan.json in the experiment's folder), written by
/// `clipmem plan` and read by `clipmem run-job`, `clipmem status`, `clipmem run-plan` and `clipmem slurm`. A job's
/// stage is the length of its longest chain of dependencies: every job of a stage can run at once once the stages
/// before it are done (one Slurm array per stage).
/// </summary>
public sealed record ExperimentPlan(string Experiment, string Grid, IReadOnlyList<ulong> Seeds, IReadOnlyList<string>? Factors, PlanRuntime Runtime,
    JsonNode Baseline, IReadOnlyList<PlannedJob> Jobs)
{
    public const string FileName = "plan.json";

    /// <summary>The experiment's starting config (the preset and flags it was planned from).</summary>
    public ExperimentConfig BaselineConfig() => ExperimentConfigFile.Parse(Baseline.ToJsonString(), FileName);

    public PlannedJob Job(string id) => Jobs.FirstOrDefault(j => j.Id == id) ?? throw new ArgumentException(
        $"{FileName} has no job '{id}'. Its jobs: {string.Join(", ", Jobs.Take(12).Select(j => j.Id))}{(Jobs.Count > 12 ? $", ... ({Jobs.Count} in all; `clipmem status` lists them)" : "")}.");

    /// <summary>Each job's stage, 0 for a job that waits for nothing.</summary>
    public IReadOnlyDictionary<string, int> Stages()
    {
        var stage = new Dictionary<string, int>();
        // Jobs are written in an order where every dependency comes first (checked by Validate).
        foreach (var job in Jobs) stage[job.Id] = job.After.Count == 0 ? 0 : job.After.Max(a => stage[a]) + 1;
        return stage;
    }

    /// <summary>The jobs stage by stage, each stage in plan order.</summary>
    public IReadOnlyList<IReadOnlyList<PlannedJob>> ByStage()
    {
        var stages = Stages();
        return Jobs.GroupBy(j => stages[j.Id]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<PlannedJob>)g.ToList()).ToList();
    }

    /// <summary>Unique ids, known kinds, dependencies that exist and come earlier (so the plan has no cycle).</summary>
    public void Validate(string path)
    {
        Runtime.Validate();
        var seen = new HashSet<string>();
        foreach (var job in Jobs)
        {
            if (!JobKind.All.Contains(job.Kind)) throw new InvalidDataException($"{path}: job '{job.Id}' has unknown kind '{job.Kind}' (known: {string.Join(", ", JobKind.All)}).");
            foreach (var after in job.After)
                if (!seen.Contains(after)) throw new InvalidDataException($"{path}: job '{job.Id}' waits for '{after}', which is not an earlier job of the plan.");
            if (!seen.Add(job.Id)) throw new InvalidDataException($"{path}: job id '{job.Id}' appears twice.");
            if (Path.IsPathRooted(job.Run) || job.Run.Split('/').Contains(".."))
                throw new InvalidDataException($"{path}: job '{job.Id}' names run '{job.Run}', which is not a folder inside the plan's.");
        }
    }

    public string RunRoot(string planRoot, PlannedJob job) => Path.GetFullPath(Path.Combine(planRoot, job.Run));

    public void Save(string planRoot) => AtomicFile.WriteAllText(Path.Combine(planRoot, FileName), JsonSerializer.Serialize(this, Json.Options));

    /// <summary>The plan in <paramref name="planRoot"/>; an error naming the file and what to do when it is missing or unreadable.</summary>
    public static ExperimentPlan Load(string planRoot)
    {
        string path = Path.Combine(planRoot, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{planRoot}: no {FileName}; `clipmem plan EXPERIMENT --out {planRoot}` writes one.");
        ExperimentPlan plan;
        try { plan = JsonSerializer.Deserialize<ExperimentPlan>(File.ReadAllText(path), Json.Options) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: unreadable plan ({e.Message}).", e); }
        plan.Validate(path);
        return plan;
    }
}

/// <summary>Writing a plan into a folder that may hold one already.</summary>
public static class PlanFile
{
    /// <summary>Refuses a folder holding a different plan (nothing is overwritten); the same plan may be written again.</summary>
    public static void RefuseOther(ExperimentPlan plan, string planRoot)
    {
        string path = Path.Combine(planRoot, ExperimentPlan.FileName);
        if (File.Exists(path))
        {
            var existing = ExperimentPlan.Load(planRoot);
            string Text(ExperimentPlan p) => JsonSerializer.Serialize(p, Json.Options);
            if (Text(existing) != Text(plan))
                throw new InvalidOperationException(
                    $"{planRoot} holds a plan of another experiment or of other settings ({existing.Experiment}, {existing.Jobs.Count} jobs). Nothing was overwritten: choose another --out.");
        }
    }
}
