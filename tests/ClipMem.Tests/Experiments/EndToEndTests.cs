using System.Text.Json;
using ClipMem.Experiments;
using ClipMem.Memorization;
using ClipMem.Experiments.Mitigations;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>The main job on the tiny preset, end to end: the study's effects must show even at this size.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class EndToEndTests
{
    [Fact]
    public void TinyRunDetectsMiscaptionsAndOrdersSplitsAndReusesItsModels()
    {
        using var dir = new TempDirectory();
        // The tiny preset is too small for a sharp mis-caption detector: with open_clip's weight-decay rule
        // (token and positional embeddings decayed) its AUROC over 6 injected samples ranged 0.53-0.92 across
        // seeds 0-5 (0.68 at seed 3), where the earlier rule, embeddings exempt, gave 0.99 here. The quick
        // preset detects them (AUROC 0.99). What tiny shows at every seed measured is the direction: the
        // mis-captioned score above the clean, S_C above S_I.
        var config = ExperimentPreset.Tiny with { Seed = 3, Data = ExperimentPreset.Tiny.Data with { CaptionsPerImage = 5 } };
        var runtime = new RuntimeOptions(Threads: 2);
        var run = RunDirectory.Open(dir.Path, config, runtime);
        var result = new ClipMemExperiment(config, runtime, run, TextWriter.Null).Run();
        var s = result.Summary;

        Assert.True(s.MiscaptionAuroc > 0.5, $"mis-caption AUROC {s.MiscaptionAuroc:F3}");
        Assert.True(s.MiscaptionMeanClipmem > s.CleanCandidatesMeanClipmem, $"mis-captioned {s.MiscaptionMeanClipmem:F3} vs clean {s.CleanCandidatesMeanClipmem:F3}");
        Assert.True(s.ClipmemMean["S_C"] > s.ClipmemMean["S_I"], $"S_C {s.ClipmemMean["S_C"]:F3} vs S_I {s.ClipmemMean["S_I"]:F3}");
        // The world's long tail makes clean pairs memorized too, not only the injected ones: clean S_C above S_S,
        // each the mean over its own samples' rows.
        double cleanCandidates = result.Rows.Where(r => r.Split == "S_C" && !r.Miscaptioned).Average(r => r.ClipMem);
        double shared = result.Rows.Where(r => r.Split == "S_S").Average(r => r.ClipMem);
        Assert.True(cleanCandidates > shared, $"clean S_C {cleanCandidates:F3} vs S_S {shared:F3}");
        Assert.All(result.Rows, r => Assert.True(r.ConceptFrequency >= 0, $"{r.SampleId}: concept frequency {r.ConceptFrequency}"));
        Assert.Equal(config.Data.PoolSize / 16, s.MiscaptionCount * 10); // 10% of S_C = 60 in the tiny preset

        // Everything the run directory promises is there, and summary.json carries the documented keys.
        foreach (var file in new[] { "config.json", "splits.csv", "miscaptions.csv", "membership_f.txt", "membership_g.txt", "tokenizer.json",
                     "embeddings_f.bin", "embeddings_g.bin", "scores.csv", "scores.parquet", "unitmem.csv", "summary.json", "report.html", "f/metrics.jsonl" })
            Assert.True(File.Exists(Path.Combine(dir.Path, file)), $"{file} is missing");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        foreach (var key in new[] { "clipmem_mean", "clipmem_ci95", "miscaption_auroc", "miscaption_precision_at_k", "linear_probe_acc",
                     "linear_probe_acc_random_init", "zero_shot_acc", "zero_shot_attribute_acc", "retrieval_r1", "wall_seconds", "train_samples_per_second" })
            Assert.True(summary.RootElement.TryGetProperty(key, out _), $"summary.json lacks {key}");
        Assert.Equal(2, summary.RootElement.GetProperty("clipmem_ci95").GetProperty("S_C").GetArrayLength());
        // Every stage of the job is timed, in the order it ran, and the stages fit inside the wall time.
        var phases = summary.RootElement.GetProperty("phase_seconds").EnumerateObject().Select(p => (p.Name, p.Value.GetDouble())).ToList();
        Assert.Equal(["data", "tokenizer", "training", "embedding", "scoring", "utility", "unitmem", "summary", "report"], phases.Select(p => p.Name));
        Assert.All(phases, p => Assert.True(p.Item2 >= 0, $"{p.Name}: {p.Item2} s"));
        Assert.InRange(phases.Sum(p => p.Item2), 0.5 * s.WallSeconds, s.WallSeconds);
        Assert.True(phases.Single(p => p.Name == "training").Item2 >= s.TrainSeconds * 0.5, "training phase shorter than the models' own training");
        var csv = File.ReadAllLines(Path.Combine(dir.Path, "scores.csv"));
        Assert.Equal(s.SplitSizes.Values.Sum() + 1, csv.Length);
        Assert.StartsWith("sample_id,split,captions", csv[0]);

        // A second run of the same config reuses f and g: no new checkpoint appears, the scores are identical.
        var checkpointsBefore = Directory.GetDirectories(Path.Combine(dir.Path, "f", "checkpoints")).Order().ToList();
        var again = new ClipMemExperiment(config, runtime, RunDirectory.Open(dir.Path, config, runtime), TextWriter.Null).Run();
        Assert.Equal(checkpointsBefore, Directory.GetDirectories(Path.Combine(dir.Path, "f", "checkpoints")).Order().ToList());
        Assert.Equal(result.Rows.Select(r => r.Raw), again.Rows.Select(r => r.Raw));
        // Nothing was trained the second time: the summary reports the training the models' metrics recorded, not zero.
        Assert.InRange(again.Summary.TrainSamplesPerSecond, result.Summary.TrainSamplesPerSecond / 2, result.Summary.TrainSamplesPerSecond * 2);
        Assert.True(again.Summary.TrainSeconds > 0);

        // Same seed and thread count in a fresh directory: the same numbers, bit for bit.
        using var other = new TempDirectory();
        var fresh = new ClipMemExperiment(config, runtime, RunDirectory.Open(other.Path, config, runtime), TextWriter.Null).Run();
        Assert.Equal(result.Rows.Select(r => (r.SampleId, r.Raw)), fresh.Rows.Select(r => (r.SampleId, r.Raw)));
    }

    [Fact]
    public void RunDirectoryOfAnotherConfigurationIsRefusedAndLeftAlone()
    {
        using var dir = new TempDirectory();
        var runtime = new RuntimeOptions();
        var first = ExperimentPreset.Tiny with { Seed = 1 };
        new ClipMemExperiment(first, runtime, RunDirectory.Open(dir.Path, first, runtime), TextWriter.Null).PrepareData();
        string before = File.ReadAllText(Path.Combine(dir.Path, "config.json"));
        var error = Assert.Throws<InvalidOperationException>(() => RunDirectory.Open(dir.Path, ExperimentPreset.Tiny with { Seed = 2 }, runtime));
        Assert.Contains("another configuration", error.Message);
        Assert.Contains(dir.Path, error.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir.Path, "config.json")));
    }

    [Fact]
    public void NonEmptyFolderThatIsNotARunIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "notes.txt"), "mine");
        Assert.Throws<InvalidOperationException>(() => RunDirectory.Open(dir.Path, ExperimentPreset.Tiny, new RuntimeOptions()));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir.Path, "notes.txt")));
    }

    [Fact]
    public void ConfigHashChangesWithEveryResultRelevantSetting()
    {
        var baseline = ExperimentPreset.Quick;
        var (data, recipe, scoring) = (baseline.Data, baseline.Recipe, baseline.Scoring);
        var hashes = new[]
        {
            baseline, baseline with { Seed = 1 }, ExperimentPreset.Tiny, baseline.With(new TextEmbeddingNoise(0.1)),
            baseline with { Data = data with { Dataset = "mnist" } }, baseline with { Recipe = recipe with { Epochs = 33 } },
            baseline with { Data = data with { CaptionsPerImage = 3 } }, baseline with { Data = data with { ScoringCaptionsPerImage = 5 } },
            baseline with { Data = data with { Transform = data.Transform with { CropScaleMin = 0.5 } } },
            baseline with { Data = data with { SharedBatchOrder = false } }, baseline with { Recipe = recipe with { Beta2 = 0.999 } },
            baseline with { Scoring = scoring with { Views = 5 } }, baseline with { Scoring = scoring with { Alignment = AlignmentVariant.Positive } },
            baseline with { Model = baseline.Model with { Size = "bench" } },
        }.Select(c => c.Hash()).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        // What does not change results does not change the identity: the preset's name, the checkpoint interval
        // (resuming is bit-identical) and the recipe's own seed (the experiment's seed replaces it).
        Assert.Equal(baseline.Hash(), (baseline with { Preset = "my-quick" }).Hash());
        Assert.Equal(baseline.Hash(), (baseline with { Recipe = recipe with { CheckpointEveryEpochs = 1, Seed = 9 } }).Hash());
        Assert.Equal(9UL, (baseline with { Seed = 9 }).TrainingOptions().Seed);
    }

    [Fact]
    public void DataTooSmallForTheSplitsFailsClearly()
    {
        using var dir = new TempDirectory();
        // Splits larger than the pool are refused by the config's check, before the directory is written.
        var tiny = ExperimentPreset.Tiny;
        var config = tiny with { Data = tiny.Data with { Splits = new ClipMem.Data.Splits.SplitSizes(5000, 100, 100, 100) } };
        var error = Assert.Throws<ArgumentException>(() => RunDirectory.Open(dir.Path, config, new RuntimeOptions()));
        Assert.Contains("data.splits total 5300", error.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "config.json")));
        // A dataset smaller than the splits (a folder of 960 images, say) fails when the splits are drawn.
        var pool = ExperimentData.Build(tiny, TextWriter.Null).Pool;
        var tooFew = Assert.Throws<ArgumentException>(() => ClipMem.Data.Splits.SplitPlan.Create(pool, new ClipMem.Data.Splits.SplitSizes(5000, 100, 100, 100), 0));
        Assert.Contains("the pool holds 960", tooFew.Message);
    }
}
