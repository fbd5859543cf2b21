using ClipMem.Reporting;
using System.Diagnostics;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;
using ClipMem.Data.Text;
using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Experiments.Paradigms;
using ClipMem.Memorization;
using ClipMem.Models;
using ClipMem.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Experiments;

/// <summary>
/// The main job, as a recipe (PAPER.md sections 2, 3, 5): build the leave-set-out splits with injected
/// mis-captions, train the tokenizer on training captions, train f on S_S ∪ S_C and g on S_S ∪ S_I,
/// embed every split with both, score CLIPMem, evaluate, and write the run directory. Every stage reuses
/// what the run directory already holds for this configuration. The model side (memberships, one training
/// job per model, checkpoints, derived runs) is the paradigm-independent <see cref="LeaveSetOutRun"/>; CLIP's
/// own parts (tokenizer, model, training task, CLIPMem) are <see cref="ClipParadigm"/>; what is left here is
/// CLIP's evaluation and report.
/// </summary>
public sealed class ClipMemExperiment(ExperimentConfig config, RuntimeOptions runtime, RunDirectory run, TextWriter log)
{
    private readonly ClipParadigm _clip = new();
    private LeaveSetOutRun? _runner;

    public Action<TrainingProgress>? Progress { get; init; }

    public ExperimentConfig Config => config;

    public string RunRoot => run.Root;

    public static IReadOnlyList<string> ModelNames => LeaveSetOutRun.ModelNames;

    /// <summary>The paradigm-independent side of the run: memberships, training jobs, checkpoints, derived runs.</summary>
    public LeaveSetOutRun Runner => _runner ??= new LeaveSetOutRun(config, runtime, run, _clip, log) { Progress = Progress };

    /// <summary>
    /// Every stage in order: data, tokenizer, training (f and g as child jobs, then loaded), embedding,
    /// scoring, utility, summary and report; the summary records each stage's seconds (phase_seconds).
    /// </summary>
    public ClipMemResult Run()
    {
        var clock = Stopwatch.StartNew();
        var phases = new PhaseTimes();
        using var claim = run.Claim();
        var data = phases.Time("data", PrepareData);
        phases.Time("tokenizer", () => PrepareTokenizer(data));
        using var models = phases.Time("training", () => Train(data));
        phases.Time("embedding", () => _clip.Embeddings(models.F, models.G, Runner.Context(data), Checkpoints()));
        var rows = phases.Time("scoring", () => Score(models, data));
        return Evaluate(models, data, rows, clock, phases);
    }

    /// <summary>Builds the data (see <see cref="ExperimentData.Build"/>) and records splits, mis-captions and memberships in the run directory.</summary>
    public ExperimentData PrepareData()
    {
        var data = ExperimentData.Build(config, log);
        data.Plan.Save(run.PathOf("splits.csv"));
        data.Injection.Save(run.PathOf("miscaptions.csv"));
        SplitPlan.SaveMembership(run.PathOf("membership_f.txt"), Runner.Membership("f", data).Order());
        SplitPlan.SaveMembership(run.PathOf("membership_g.txt"), Runner.Membership("g", data).Order());
        return data;
    }

    /// <summary>The tokenizer learns from the captions of the training splits only (S_S, S_C, S_I), never S_E; trained once per run directory.</summary>
    public BpeTokenizer PrepareTokenizer(ExperimentData data) => _clip.Tokenizer(Runner.Context(data));

    /// <summary>
    /// Trains f and g (or resumes them from the run directory's checkpoints: a finished pair loads in
    /// seconds), each as a job of its own in a child process (<see cref="LeaveSetOutRun.TrainPending"/>).
    /// </summary>
    public TrainedModels Train(ExperimentData data)
    {
        var (seconds, samplesPerSecond, trained) = Runner.TrainPending(data);
        log.WriteLine(trained.Count == 0
            ? $"f and g loaded from their finished checkpoints (their training took {seconds:F0} s, {samplesPerSecond:F0} samples/s over both)"
            : $"trained {string.Join(" and ", trained)} in {seconds:F0} s ({samplesPerSecond:F0} samples/s), each in its own process");
        return Load(data, seconds, samplesPerSecond);
    }

    /// <summary>The job behind `clipmem train RUN --model NAME`: one model, in this process.</summary>
    public void TrainModel(string name, ExperimentData data) => Runner.TrainModel(name, data);

    /// <summary>What a model trains on: f on S_S + S_C (less what a removal run removed), g on S_S + S_I.</summary>
    public IReadOnlyList<SampleId> Membership(string name, ExperimentData data) => Runner.Membership(name, data);

    /// <summary>f and g from their finished checkpoints, for the scoring and evaluation jobs; an untrained model is an error naming the command that trains it.</summary>
    public TrainedModels LoadModels(ExperimentData data)
    {
        foreach (var name in ModelNames)
            if (!Runner.IsTrained(name, data))
                throw new InvalidOperationException($"model {name} of {run.Root} has not finished training: run `clipmem train {run.Root} --model {name}` (it resumes from its last checkpoint).");
        var (seconds, samplesPerSecond) = Runner.RecordedTraining(data);
        return Load(data, seconds, samplesPerSecond);
    }

    /// <summary>
    /// The scoring job (`clipmem score RUN`): embeds every split with f and g (K augmented views, cached in
    /// the run directory) and writes one CLIPMem row per sample to scores.csv and scores.parquet, and the
    /// same scores in the long format every paradigm writes to scores_long.csv.
    /// </summary>
    public IReadOnlyList<ScoreRow> Score(TrainedModels models, ExperimentData data)
    {
        var rows = _clip.ScoreRows(models.F, models.G, Runner.Context(data), Checkpoints());
        ScoreTable.WriteCsv(run.PathOf("scores.csv"), rows);
        ScoreTable.WriteParquet(run.PathOf("scores.parquet"), rows);
        ScoreRecords.WriteCsv(run.PathOf(ScoreRecords.FileName), ClipParadigm.Records(rows));
        return rows;
    }

    /// <summary>
    /// The evaluation job (`clipmem evaluate RUN`): f's utility, the summary (split statistics, mis-caption
    /// detection, atypicality) and the report, from the scores the scoring job wrote.
    /// </summary>
    /// <param name="runClock">The whole job's clock when this is its last stage; null: this stage's own, added to the training time.</param>
    /// <param name="phases">The earlier stages' seconds; this stage adds utility, summary and report.</param>
    public ClipMemResult Evaluate(TrainedModels models, ExperimentData data, IReadOnlyList<ScoreRow> rows, Stopwatch? runClock = null, PhaseTimes? phases = null)
    {
        var clock = runClock ?? Stopwatch.StartNew();
        phases ??= new PhaseTimes();
        var context = Runner.Context(data);
        var (embF, embG) = phases.Time("embedding", () => _clip.Embeddings(models.F, models.G, context, Checkpoints()));
        var utility = phases.Time("utility", () => MeasureUtility(models, data, _clip.Pipeline(context, data.Plan.MembershipOfF), embF));
        var unitMem = phases.Time("unitmem", () => MeasureUnitMem(models, data));
        var evaluation = new ClipMemEvaluation(config, data, embF, embG);
        double Wall() => runClock is null ? models.Seconds + clock.Elapsed.TotalSeconds : clock.Elapsed.TotalSeconds;
        var summary = phases.Time("summary", () => evaluation.Summarize(rows, utility, Wall(), models.Seconds, models.SamplesPerSecond, runtime));
        // The report shows the time so far; summary.json gets the report's own seconds too.
        var result = new ClipMemResult(run.Root, config, summary with { PhaseSeconds = phases.Seconds, UnitMem = unitMem }, rows, data);
        phases.Time("report", () => AtomicFile.WriteAllText(run.PathOf("report.html"), ClipMemReport.Render(result, models.Images)));
        result = result with { Summary = result.Summary with { WallSeconds = Wall(), PhaseSeconds = phases.Seconds } };
        // Written last, so a summary on disk means the report beside it is complete too.
        AtomicFile.WriteAllText(run.PathOf("summary.json"), System.Text.Json.JsonSerializer.Serialize(result.Summary, Json.Options));
        return result;
    }

    /// <summary>
    /// f's utility (PAPER.md section 5): linear probe beside its floor and ceiling, zero-shot, retrieval on
    /// S_E. Pass f's embeddings when they exist; otherwise S_E is embedded here for retrieval.
    /// </summary>
    public UtilityResult MeasureUtility(TrainedModels models, ExperimentData data, ClipDataPipeline? pipeline = null, EmbeddingSet? embF = null)
    {
        var phase = Stopwatch.StartNew();
        pipeline ??= _clip.Pipeline(Runner.Context(data), data.Plan.MembershipOfF);
        embF ??= new ClipEmbedder(models.Images, pipeline, config.Data.Resolution, views: 1, config.Seed, models.Device)
            .Embed(models.F, data.Plan.Members(Split.Extra).ToList(), "f, S_E only, for retrieval");
        var utility = new UtilityEvaluation(config, models.Device, run.PathOf("supervised_reference"), log).Measure(models.F, pipeline, embF, data);
        log.WriteLine($"utility measured in {phase.Elapsed.TotalSeconds:F0} s");
        return utility;
    }

    /// <summary>
    /// UnitMem per layer of f's image tower (PAPER.md finding 4) over S_C and as many S_S samples, each averaged over
    /// K views of the training transform; one row per unit in unitmem.csv.
    /// </summary>
    public IReadOnlyList<UnitMemLayerSummary> MeasureUnitMem(TrainedModels models, ExperimentData data)
    {
        var measurement = new UnitMemMeasurement(models.Images, config.Data.Resolution, config.Scoring.Views, config.Seed, config.Data.Transform, models.Device);
        var layers = UnitMemReport.Measure(models.F.Visual, measurement, data, config.Seed, run.PathOf(UnitMemReport.FileName));
        log.WriteLine("UnitMem of f per layer (median rest; GELU outputs clamped at 0): " +
                      string.Join(", ", layers.Select(l => l.MeanMedianRest.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
        return layers;
    }

    private TrainedModels Load(ExperimentData data, double seconds, double samplesPerSecond)
    {
        var context = Runner.Context(data);
        // Trained in the recipe's precision, embedded in the scoring's (ScoringSettings.Precision).
        var f = (ClipModel)Runner.Load("f", data);
        var g = (ClipModel)Runner.Load("g", data);
        f.Precision = g.Precision = config.Scoring.Precision;
        return new TrainedModels(f, g, _clip.Tokenizer(context), _clip.Images(context), context.Device, seconds, samplesPerSecond);
    }

    // The checkpoints the embeddings came from, so a cache written for other weights is never read.
    private (string F, string G) Checkpoints()
    {
        string Name(string model) => Path.GetFileName(Checkpoint.Latest(Runner.TrainingPaths(model).Checkpoints) ?? "none");
        return (Name("f"), Name("g"));
    }
}

/// <summary>A trained pair f, g with what it needs to embed: tokenizer, decoded images, device, training time.</summary>
public sealed record TrainedModels(ClipModel F, ClipModel G, BpeTokenizer Tokenizer, ImageCache Images, Device Device, double Seconds, double SamplesPerSecond)
    : IDisposable
{
    public void Dispose()
    {
        F.Dispose();
        G.Dispose();
    }
}
