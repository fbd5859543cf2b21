using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Experiments.Paradigms;
using ClipMem.Training;

namespace ClipMem.Experiments.Scheduling;

/// <summary>
/// The four steps of one run directory, each the body of a job: prepare (splits, mis-captions, memberships,
/// tokenizer), train one model, score, evaluate. `clipmem prepare|train|score|evaluate` and a plan's
/// `clipmem run-job` both call these, so a step does the same whoever schedules it. Run in order they give
/// the run `reproduce` gives.
/// </summary>
public static class RunSteps
{
    /// <summary>Writes the data files and trains the tokenizer of a run directory whose config.json exists; holds the run's claim meanwhile.</summary>
    public static void Prepare(RunDirectory run, ExperimentConfig config, RuntimeOptions runtime, TextWriter log)
    {
        using var claim = run.Claim();
        var experiment = new ClipMemExperiment(config, runtime, run, log);
        experiment.PrepareTokenizer(experiment.PrepareData());
    }

    /// <summary>Trains one model of the run in this process (one model per process), resuming from its last checkpoint.</summary>
    public static void Train(string runRoot, string model, RuntimeOptions runtime, TextWriter log, Action<TrainingProgress>? progress = null)
    {
        var (run, config) = RunDirectory.OpenExisting(runRoot);
        var runner = new LeaveSetOutRun(config, runtime, run, ParadigmCatalog.Create(config.Model.Paradigm), log) { Progress = progress };
        runner.TrainModel(model, ExperimentData.Build(config, log));
    }

    /// <summary>Embeds every split with the trained f and g and writes scores.csv and scores.parquet.</summary>
    public static IReadOnlyList<ScoreRow> Score(string runRoot, RuntimeOptions runtime, TextWriter log) =>
        OnTrainedRun(runRoot, runtime, log, (experiment, data, models) => experiment.Score(models, data));

    /// <summary>Measures f's utility and writes summary.json and report.html from the scores the score step wrote.</summary>
    public static ClipMemResult Evaluate(string runRoot, RuntimeOptions runtime, TextWriter log) =>
        OnTrainedRun(runRoot, runtime, log, (experiment, data, models) =>
        {
            string scores = Path.Combine(experiment.RunRoot, "scores.csv");
            if (!File.Exists(scores))
                throw new InvalidOperationException($"{experiment.RunRoot} has no scores.csv yet: run `clipmem score {experiment.RunRoot}` first.");
            return experiment.Evaluate(models, data, ScoreTable.ReadCsv(scores));
        });

    /// <summary>Opens the run, rebuilds its data, loads f and g (an untrained one is an error naming the command that trains it), then acts, holding the run's claim.</summary>
    private static T OnTrainedRun<T>(string runRoot, RuntimeOptions runtime, TextWriter log, Func<ClipMemExperiment, ExperimentData, TrainedModels, T> act)
    {
        var (run, config) = RunDirectory.OpenExisting(runRoot);
        runtime.Validate();
        TorchSharp.torch.set_num_threads(runtime.Threads);
        using var claim = run.Claim();
        var data = ExperimentData.Build(config, log);
        var experiment = new ClipMemExperiment(config, runtime, run, log);
        using var models = experiment.LoadModels(data);
        return act(experiment, data, models);
    }
}
