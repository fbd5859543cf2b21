using System.Text.Json.Nodes;
using ClipMem.Cli;
using ClipMem.Experiments;
using ClipMem.Experiments.Derivation;
using ClipMem.Experiments.Mitigations;

namespace ClipMem.Tests.Experiments;

public class ExperimentConfigTests
{
    private static readonly ExperimentConfig Tiny = ExperimentPreset.Tiny;

    private static ExperimentConfig WithData(Func<DataSettings, DataSettings> change) => Tiny with { Data = change(Tiny.Data) };

    [Fact]
    public void TheBaselineTrainsAndScoresOneCaptionPerImageTheMitigationSeveral()
    {
        Assert.Equal(1, Tiny.Data.CaptionsPerImage);
        var one = ExperimentData.Build(Tiny, TextWriter.Null);
        var three = ExperimentData.Build(WithData(d => d with { CaptionsPerImage = 3 }), TextWriter.Null);
        foreach (var sample in one.Effective)
        {
            Assert.Single(sample.Captions);
            // A mis-captioned sample carries its donor's first caption; every other sample its own first one.
            var source = sample.Truth.IsMiscaptioned ? one.Pool[one.Injection.DonorOf[sample.Id]] : one.Pool[sample.Id];
            Assert.Equal(source.Captions[0], sample.Captions[0]);
        }
        Assert.All(three.Effective, s => Assert.Equal(3, s.Captions.Count));
        Assert.All(one.Pool, s => Assert.Equal(5, s.Captions.Count));
        Assert.Same(one.Effective, one.Scored); // scoring uses the trained captions unless told otherwise
        Assert.NotEqual(Tiny.Hash(), WithData(d => d with { CaptionsPerImage = 3 }).Hash());
    }

    [Fact]
    public void ScoringCanUseMoreCaptionsThanTrainingWithTheSameInjectedMiscaptions()
    {
        var data = ExperimentData.Build(WithData(d => d with { ScoringCaptionsPerImage = 5 }), TextWriter.Null);
        Assert.All(data.Effective, s => Assert.Single(s.Captions));
        foreach (var scored in data.Scored)
        {
            Assert.Equal(5, scored.Captions.Count);
            Assert.Equal(data.Effective[scored.Id].Captions[0], scored.Captions[0]);
            if (!scored.Truth.IsMiscaptioned) Assert.Equal(data.Pool[scored.Id].Captions, scored.Captions);
        }
        Assert.Contains(data.Scored, s => s.Truth.IsMiscaptioned);
    }

    public static TheoryData<string, Func<ExperimentConfig, ExperimentConfig>, string> BadValues => new()
    {
        { "data.captions_per_image = 0", c => c with { Data = c.Data with { CaptionsPerImage = 0 } }, "1..5" },
        { "data.captions_per_image = 6", c => c with { Data = c.Data with { CaptionsPerImage = 6 } }, "1..5" },
        { "data.scoring_captions_per_image = 9", c => c with { Data = c.Data with { ScoringCaptionsPerImage = 9 } }, "1..5" },
        { "data.miscaption_fraction = 1", c => c with { Data = c.Data with { MiscaptionFraction = 1 } }, "0 <= fraction < 1" },
        { "data.transform.crop_scale_min", c => c with { Data = c.Data with { Transform = c.Data.Transform with { CropScaleMin = 0 } } }, "crop scale" },
        { "model.size = huge", c => c with { Model = c.Model with { Size = "huge" } }, "tiny" },
        { "model.paradigm = simclr", c => c with { Model = c.Model with { Paradigm = "simclr" } }, "clip" },
        { "recipe.batch_size = 1", c => c with { Recipe = c.Recipe with { BatchSize = 1 } }, "contrastive batch" },
        { "recipe.learning_rate = -1", c => c with { Recipe = c.Recipe with { LearningRate = -1 } }, "positive" },
        { "recipe.seed = 3", c => c with { Recipe = c.Recipe with { Seed = 3 } }, "the experiment's seed" },
        { "scoring.views = 0", c => c with { Scoring = c.Scoring with { Views = 0 } }, "1 or more" },
        { "scoring.reference_size = 1", c => c with { Scoring = c.Scoring with { ReferenceSize = 1 } }, "2 or more" },
        { "utility.probe_epochs = 0", c => c with { Utility = c.Utility with { ProbeEpochs = 0 } }, "1 or more" },
        { "mitigations.text_embedding_noise.sigma = -0.1", c => c.With(new TextEmbeddingNoise(-0.1)), "> 0" },
        { "mitigations: 'text_embedding_noise' appears 2 times", c => c with { Mitigations = [new TextEmbeddingNoise(0.1), new TextEmbeddingNoise(0.2)] }, "once" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void ABadValueNamesItsFieldAndTheAllowedValues(string field, Func<ExperimentConfig, ExperimentConfig> change, string allowed)
    {
        var error = Assert.Throws<ArgumentException>(change(Tiny).Validate);
        Assert.Contains(field, error.Message);
        Assert.Contains(allowed, error.Message);
    }

    [Fact]
    public void EveryPresetIsValidAndMitigationsAreTypedRecords()
    {
        foreach (var preset in ExperimentPreset.All) preset.Validate();
        var config = Tiny.With(new TextEmbeddingNoise(0.1)).With(new Removal("abc", RemovalRanking.Clipmem, 5));
        Assert.Equal(0.1, config.Mitigation<TextEmbeddingNoise>()!.Sigma);
        Assert.Equal(5, config.Mitigation<Removal>()!.Count);
        Assert.Equal(0.2, config.With(new TextEmbeddingNoise(0.2)).Mitigation<TextEmbeddingNoise>()!.Sigma); // replaced, not added
        Assert.Null(config.With<TextEmbeddingNoise>(null).Mitigation<TextEmbeddingNoise>());
    }

    [Fact]
    public void AConfigFileRoundTripsWithItsMitigationsAndHash()
    {
        var config = Tiny.With(new TextEmbeddingNoise(0.1)) with { Seed = 4 };
        string json = ExperimentConfigFile.Serialize(config);
        Assert.Contains("\"kind\": \"text_embedding_noise\"", json);
        Assert.Contains("\"captions_per_image\": 1", json);
        var back = ExperimentConfigFile.Parse(json, "my.json");
        Assert.Equal(config, back);
        Assert.Equal(config.Hash(), back.Hash());
    }

    [Fact]
    public void AConfigFileWithAnUnknownMissingOrBadFieldNamesTheFileAndTheField()
    {
        var node = JsonNode.Parse(ExperimentConfigFile.Serialize(Tiny))!;
        node["data"]!["captions_per_imag"] = 2; // a typo must not be silently ignored
        var unknown = Assert.Throws<ArgumentException>(() => ExperimentConfigFile.Parse(node.ToJsonString(), "my.json"));
        Assert.Contains("my.json", unknown.Message);
        Assert.Contains("captions_per_imag", unknown.Message);

        node = JsonNode.Parse(ExperimentConfigFile.Serialize(Tiny))!;
        node["recipe"]!.AsObject().Remove("batch_size");
        var missing = Assert.Throws<ArgumentException>(() => ExperimentConfigFile.Parse(node.ToJsonString(), "my.json"));
        Assert.Contains("batch_size", missing.Message);

        node = JsonNode.Parse(ExperimentConfigFile.Serialize(Tiny))!;
        node["scoring"]!["alignment"] = "sideways";
        var badEnum = Assert.Throws<ArgumentException>(() => ExperimentConfigFile.Parse(node.ToJsonString(), "my.json"));
        Assert.Contains("alignment", badEnum.Message);

        node = JsonNode.Parse(ExperimentConfigFile.Serialize(Tiny))!;
        node["data"]!["captions_per_image"] = 7;
        var range = Assert.Throws<ArgumentException>(() => ExperimentConfigFile.Parse(node.ToJsonString(), "my.json"));
        Assert.Contains("my.json: data.captions_per_image = 7", range.Message);
    }

    [Fact]
    public void ABadValueFromTheCommandLineIsRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run");
        var (code, _, error) = CliCalls.Run("prepare", "--preset", "tiny", "--captions-per-image", "9", "--out", run);
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("data.captions_per_image = 9", error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void TheCliPrintsAPresetsConfigAndRunsFromAnEditedCopy()
    {
        using var dir = new TempDirectory();
        var (code, printed, _) = CliCalls.Run("config", "--preset", "tiny");
        Assert.Equal(CliApp.ExitOk, code);
        Assert.Equal(Tiny, ExperimentConfigFile.Parse(printed, "stdout"));

        var edited = JsonNode.Parse(printed)!;
        edited["data"]!["captions_per_image"] = 2;
        string file = Path.Combine(dir.Path, "my.json");
        File.WriteAllText(file, edited.ToJsonString());
        string run = Path.Combine(dir.Path, "run");
        // A flag still overrides the file's field.
        (code, _, string error) = CliCalls.Run("prepare", "--config", file, "--seed", "5", "--out", run);
        Assert.True(code == CliApp.ExitOk, error);
        var recorded = ClipMemRuns.ReadConfig(Path.Combine(run, RunDirectory.ConfigFile));
        Assert.Equal(Tiny with { Seed = 5, Data = Tiny.Data with { CaptionsPerImage = 2 } }, recorded);

        (code, _, error) = CliCalls.Run("prepare", "--config", file, "--preset", "tiny", "--out", Path.Combine(dir.Path, "other"));
        Assert.NotEqual(CliApp.ExitOk, code);
        Assert.Contains("--preset and --config", error);
    }

    [Fact]
    public void ThePrecisionFlagIsRecordedInTheRunsConfigAndABadOneNamesTheAllowedValues()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliCalls.Run("prepare", "--preset", "tiny", "--precision", "fp16", "--out", Path.Combine(dir.Path, "bad"));
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("fp32, bf16 and auto", error);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "bad")));

        string run = Path.Combine(dir.Path, "run");
        (code, _, error) = CliCalls.Run("prepare", "--preset", "tiny", "--precision", "auto", "--out", run);
        Assert.True(code == CliApp.ExitOk, error);
        var expected = ClipMem.Models.PrecisionChoice.For("auto", "cpu", ClipMem.Common.MachineInfo.HasBf16);
        var recorded = ClipMemRuns.ReadConfig(Path.Combine(run, RunDirectory.ConfigFile));
        Assert.Equal(expected, (recorded.Recipe.Precision, recorded.Scoring.Precision));
    }
}
