using ClipMem.Experiments.Derivation;

namespace ClipMem.Experiments.Scheduling;

/// <summary>What a planned job does; each is one `clipmem run-job` in a process of its own.</summary>
public static class JobKind
{
    /// <summary>Splits, mis-captions, memberships and tokenizer of a run whose config.json the plan wrote.</summary>
    public const string Prepare = "prepare";

    /// <summary>One model of a run (<see cref="PlannedJob.Model"/>: f or g).</summary>
    public const string Train = "train";

    public const string Score = "score";
    public const string Evaluate = "evaluate";

    /// <summary>A removal run derived from a finished parent (<see cref="PlannedJob.Derive"/>), prepared: its f then retrains.</summary>
    public const string Derive = "derive";

    /// <summary>The experiment's own tables (mitigation_runs and mitigation_summary, regime.csv) from its finished runs.</summary>
    public const string Summarize = "summarize";

    public static IReadOnlyList<string> All { get; } = [Prepare, Train, Score, Evaluate, Derive, Summarize];
}

/// <summary>The removal a derive job makes: the top <paramref name="Count"/> of <paramref name="Parent"/>'s S_C under <paramref name="Ranking"/>.</summary>
/// <param name="Parent">The parent run, relative to the plan's folder.</param>
public sealed record RemovalDerivation(string Parent, RemovalRanking Ranking, int Count);

/// <summary>
/// One job of a plan. <paramref name="Id"/> names it in every command and message: the run's folder and the step,
/// "seed-0/noise-0.05/train-f" (a plan of one run: "train-f"). <paramref name="Run"/> is relative to the plan's
/// folder ("." for the folder itself), so a plan moves with its folder. <paramref name="After"/>: the jobs that
/// must be done before this one starts.
/// </summary>
public sealed record PlannedJob(string Id, string Kind, string Run, IReadOnlyList<string> After, string? Model = null, RemovalDerivation? Derive = null)
{
    public static string IdOf(string run, string step) => run == "." ? step : $"{run}/{step}";

    public static PlannedJob Step(string run, string kind, IReadOnlyList<string> after, string? model = null) =>
        new(IdOf(run, model is null ? kind : $"{kind}-{model}"), kind, run, after, model);
}
