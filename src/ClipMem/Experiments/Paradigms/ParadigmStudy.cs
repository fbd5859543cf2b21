using System.Diagnostics;
using System.Text.Json;
using ClipMem.Common;
using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Evaluation;
using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Memorization;
using ClipMem.Training;

namespace ClipMem.Experiments.Paradigms;

/// <summary>One paradigm's run of the study at one seed: its score summary, UnitMem per layer, utility and training time.</summary>
public sealed record ParadigmRun(string Paradigm, ulong Seed, string RunDirectory, ParadigmScoreSummary Scores, IReadOnlyList<UnitMemLayerSummary> UnitMem,
    double? LinearProbe, double TrainingSeconds);

/// <summary>Everything the comparison measured: each paradigm at each seed, and their agreement per seed.</summary>
public sealed record ParadigmStudyResult(IReadOnlyList<ParadigmRun> Runs, IReadOnlyList<(ulong Seed, ParadigmAgreement Agreement)> Agreements);

/// <summary>
/// `clipmem experiment paradigms` (PAPER.md finding 4): CLIP, DINO and the supervised ViT on the same images, the same
/// splits and the same ViT, each a leave-set-out run of its own (each model a job of its own) per seed under one folder:
/// root/seed-N/PARADIGM. Each run keeps its scores_long.csv and unitmem.csv; the study writes paradigms.json, and a run
/// already trained is read back, so a stopped study resumes where it stopped.
/// </summary>
public sealed class ParadigmStudy(RuntimeOptions runtime, string root, TextWriter log)
{
    public const string ResultFile = "paradigms.json";

    public static IReadOnlyList<string> Paradigms { get; } = [ClipParadigm.ParadigmName, DinoParadigm.ParadigmName, SupervisedParadigm.ParadigmName];

    public static string DefaultPath(ExperimentConfig baseline) => Path.Combine("runs", $"paradigms-{baseline.Preset}-{baseline.Data.Dataset}");

    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>The baseline's config with another paradigm and seed: data, model size and recipe stay the same.</summary>
    public static ExperimentConfig ConfigFor(ExperimentConfig baseline, string paradigm, ulong seed) =>
        baseline with { Seed = seed, Model = baseline.Model with { Paradigm = paradigm } };

    public ParadigmStudyResult Run(ExperimentConfig baseline, IReadOnlyList<ulong> seeds, IReadOnlyList<string>? paradigms = null)
    {
        paradigms ??= Paradigms;
        Directory.CreateDirectory(root);
        var runs = new List<ParadigmRun>();
        var agreements = new List<(ulong, ParadigmAgreement)>();
        foreach (ulong seed in seeds)
        {
            var scored = new List<(string, IReadOnlyList<ComparedScore>)>();
            foreach (string name in paradigms)
            {
                log.WriteLine($"paradigms: seed {seed}, {name}");
                var (run, scores) = RunOne(ConfigFor(baseline, name, seed), Path.Combine(root, $"seed-{seed}", name));
                runs.Add(run);
                scored.Add((name, scores));
            }
            agreements.AddRange(ParadigmComparison.Agreements(scored).Select(a => (seed, a)));
            Write(new ParadigmStudyResult(runs, agreements));
        }
        return new ParadigmStudyResult(runs, agreements);
    }

    private (ParadigmRun Run, IReadOnlyList<ComparedScore> Scores) RunOne(ExperimentConfig config, string directory)
    {
        config.Validate();
        var run = RunDirectory.Open(directory, config, runtime);
        var paradigm = ParadigmCatalog.Create(config.Model.Paradigm);
        var runner = new LeaveSetOutRun(config, runtime, run, paradigm, log) { Progress = Progress };
        var data = ExperimentData.Build(config, log);
        var context = runner.Context(data);
        var (seconds, _, _) = runner.TrainPending(data);
        using var f = runner.Load("f", data);
        using var g = runner.Load("g", data);
        var clock = Stopwatch.StartNew();
        var records = paradigm.Score(f, g, context);
        ScoreRecords.WriteCsv(run.PathOf(ScoreRecords.FileName), records);
        var compared = records.Select(r =>
        {
            var truth = data.Effective[new SampleId(r.SampleId)].Truth;
            return new ComparedScore(r.SampleId, r.Split, r.Normalised, truth.IsMiscaptioned, truth.IsAtypical);
        }).ToList();

        var images = new ImageCache(data.Effective, config.Data.Resolution);
        var tower = paradigm.ImageTower(f);
        var measurement = new UnitMemMeasurement(images, config.Data.Resolution, config.Scoring.Views, config.Seed, UnitMemTransform(config), context.Device);
        var unitMem = UnitMemReport.Measure(tower, measurement, data, config.Seed, run.PathOf(UnitMemReport.FileName));
        double? probe = Probe(config, tower, context.Device);
        log.WriteLine($"paradigms: {config.Model.Paradigm} seed {config.Seed} scored, UnitMem and probe in {clock.Elapsed.TotalSeconds:F0} s");
        return (new ParadigmRun(config.Model.Paradigm, config.Seed, run.Root, ParadigmComparison.Summarize(config.Model.Paradigm, compared), unitMem, probe, seconds),
            compared);
    }

    /// <summary>UnitMem's views come from each paradigm's own training augmentation, as the authors measure each model.</summary>
    public static AugmentationOptions UnitMemTransform(ExperimentConfig config) =>
        config.Model.Paradigm == DinoParadigm.ParadigmName ? DinoParadigm.Crops(config).GlobalTransform : config.Data.Transform;

    /// <summary>The same linear probe on every encoder's pooled feature (the utility beside the memorization).</summary>
    private double? Probe(ExperimentConfig config, Models.VisionTransformer tower, TorchSharp.torch.Device device)
    {
        var probe = ProbeTask.For(config, log);
        if (probe is null) return null;
        int resolution = config.Data.Resolution;
        var train = new ImageCache(probe.Train, resolution);
        var test = new ImageCache(probe.Test, resolution);
        return LinearProbe.Fit(ImageFeatures.Extract(tower, train, probe.Train.Select(s => s.Id).ToList(), resolution, device), probe.LabelsOf(probe.Train),
            ImageFeatures.Extract(tower, test, probe.Test.Select(s => s.Id).ToList(), resolution, device), probe.LabelsOf(probe.Test), config.Seed).TestAccuracy;
    }

    private void Write(ParadigmStudyResult result) =>
        AtomicFile.WriteAllText(Path.Combine(root, ResultFile), JsonSerializer.Serialize(ParadigmFindings.Document(result), Json.Options));
}
