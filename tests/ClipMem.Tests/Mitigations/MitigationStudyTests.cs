using ClipMem.Experiments;
using ClipMem.Experiments.Mitigations;
using ClipMem.Reporting;
using ClipMem.Tests.Experiments;
using ClipMem.Tests.Loaders;
using ClipMem.Tests.Reporting;
using ClipMem.Tests.Training;
using ClipMem.Training;
using Parquet.Serialization;

namespace ClipMem.Tests.Mitigations;

public class MitigationGridTests
{
    [Fact]
    public void EverySettingChangesOnlyItsKnobAndTheFirstIsTheBaseline()
    {
        var quick = ExperimentPreset.Quick;
        var captions = MitigationGrid.For(MitigationGrid.Captions, quick, "full");
        Assert.Equal([1.0, 2, 3, 4, 5], captions.Select(s => s.Value));
        foreach (var s in captions)
        {
            Assert.Equal(s.Value, s.Config.Data.CaptionsPerImage);
            // Fair comparison: every setting is scored on all five captions, the one-caption baseline included.
            Assert.Equal(DataSettings.MaxCaptionsPerImage, s.Config.Data.CaptionsScored);
            Assert.Empty(s.Config.Mitigations);
            Assert.Equal(quick.Recipe, s.Config.Recipe);
        }

        var noise = MitigationGrid.For(MitigationGrid.Noise, quick, "full");
        Assert.Equal(StudyReference.TextNoise.Select(p => p.Sigma), noise.Select(s => s.Value));
        Assert.Equal(quick.Hash(), noise[0].Config.Hash());          // sigma 0 is the plain preset: the main job's run
        foreach (var s in noise.Skip(1)) Assert.Equal(s.Value, s.Config.Mitigation<TextEmbeddingNoise>()!.Sigma);
        Assert.Equal(noise.Count, noise.Select(s => s.Config.Hash()).Distinct().Count());

        Assert.Equal([0.0, 0.05, 0.15, 0.30], MitigationGrid.For(MitigationGrid.Noise, quick, "quick").Select(s => s.Value));
        Assert.Equal(["captions-1", "captions-3", "captions-5"], MitigationGrid.For(MitigationGrid.Captions, quick, "quick").Select(s => s.Name));
    }

    [Fact]
    public void ACaptionsSweepOnDataWithOneCaptionPerImageTrainsOnRuleBasedParaphrases()
    {
        using var folder = new TempDirectory();
        var lines = new List<string> { "filepath\ttitle" };
        for (int i = 0; i < 32; i++)
        {
            folder.Write($"images/{i}.png", ClipMem.Tests.Loaders.LoaderFixtures.SolidPng((i / 32f, 0.5f, 1 - i / 32f)));
            lines.Add($"images/{i}.png\tcolour patch number {i}");
        }
        string csv = folder.Write("one-caption.tsv", string.Join('\n', lines) + "\n");
        var baseline = ExperimentPreset.Tiny.WithDataset("csv", csv);
        var settings = MitigationStudy.Settings(MitigationGrid.Captions, baseline, "quick");
        var log = new StringWriter();
        var three = ExperimentData.Build(settings[1].Config, log);
        Assert.Contains("rule-based paraphrases", log.ToString());
        var sample = three.Pool.First(s => !three.Injection.DonorOf.ContainsKey(s.Id));
        string own = sample.Captions[0];
        Assert.StartsWith("colour patch number", own);
        Assert.Equal([own, $"a photo of {own}", $"there is {own} in the picture"], three.Effective[sample.Id].Captions);
        // Every setting is scored on all five captions: the one-caption baseline too, on its image's paraphrases.
        var one = ExperimentData.Build(settings[0].Config, TextWriter.Null);
        Assert.Single(one.Effective[sample.Id].Captions);
        Assert.Equal(DataSettings.MaxCaptionsPerImage, one.Scored[sample.Id].Captions.Count);
    }

    [Fact]
    public void TheTextAgainstImageCasesAreTable1sScoredOnTheOwnImagesAndAllCaptions()
    {
        var quick = ExperimentPreset.Quick;
        var cases = MitigationGrid.For(MitigationGrid.TextVsImage, quick, "quick");
        Assert.Equal(MitigationGrid.For(MitigationGrid.TextVsImage, quick, "full").Select(s => s.Config), cases.Select(s => s.Config));
        Assert.Equal(["1 image, 1 caption", "1 generated image, 1 caption", "5 generated images, 1 caption", "1 image, 5 captions", "5 generated images, 5 captions"],
            cases.Select(s => s.Label));
        Assert.Equal([(0, 1), (1, 1), (5, 1), (0, 5), (5, 5)], cases.Select(s => (s.Config.Data.GeneratedImages, s.Config.Data.CaptionsPerImage)));
        Assert.All(cases, s => Assert.Equal(DataSettings.MaxCaptionsPerImage, s.Config.Data.CaptionsScored));
        Assert.All(cases, s => Assert.Equal(quick.Recipe, s.Config.Recipe));
        // The captions sweep's 1- and 5-caption settings are the same runs as Table 1's real-image cases.
        var captions = MitigationGrid.For(MitigationGrid.Captions, quick, "quick");
        Assert.Equal(captions[0].Config.Hash(), cases[0].Config.Hash());
        Assert.Equal(captions[^1].Config.Hash(), cases[3].Config.Hash());
        Assert.Equal(5, cases.Select(s => s.Config.Hash()).Distinct().Count());
    }

    [Fact]
    public void RemovalCountsScaleWithSCAsTheStudysDo()
    {
        // The study removes 50..3200 of 5,000: 1% to 64%. Of 300 that is 3, 6, 12, 24, 48, 96, 192, for each ranking.
        var full = MitigationGrid.RemovalSettings(300);
        Assert.Equal(21, full.Count);
        Assert.Equal([3, 6, 12, 24, 48, 96, 192], full.Where(s => s.Ranking == ClipMem.Experiments.Derivation.RemovalRanking.Clipmem).Select(s => s.Count));
        Assert.Equal([6, 24, 96], MitigationGrid.RemovalSettings(300, "quick").Where(s => s.Ranking == ClipMem.Experiments.Derivation.RemovalRanking.Random).Select(s => s.Count));
        Assert.Equal([1, 5, 19], MitigationGrid.RemovalSettings(60, "quick").Take(3).Select(s => s.Count));   // at least one
    }

    [Fact]
    public void UnknownExperimentsAndGridsNameTheAllowedOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => MitigationGrid.For("dropout", ExperimentPreset.Tiny));
        Assert.Contains("captions, noise", error.Message);
        error = Assert.Throws<ArgumentException>(() => MitigationGrid.For(MitigationGrid.Noise, ExperimentPreset.Tiny, "huge"));
        Assert.Contains("quick, full", error.Message);
    }
}

/// <summary>A mitigation's row against its baseline, on the two tiny runs of <see cref="TinyRuns"/> (baseline and sigma 0.15).</summary>
[Collection(TorchRandomStateCollection.Name)]
public class MitigationRowTests(TinyRuns runs)
{
    [Fact]
    public void TheRowIsThePairedChangeOnTheBaselinesScale()
    {
        var baselineSetting = new MitigationSetting(MitigationGrid.Noise, "sigma 0.00", 0, TinyRuns.BaselineConfig);
        var noiseSetting = new MitigationSetting(MitigationGrid.Noise, "sigma 0.15", 0.15, TinyRuns.TextNoiseConfig);
        var baseline = MitigationRow.From(baselineSetting, runs.Baseline, runs.Baseline);
        var noise = MitigationRow.From(noiseSetting, runs.TextNoise, runs.Baseline);

        double range = runs.Baseline.Summary.CleanNormalisationRange;
        Assert.Equal(range, noise.Normaliser);
        // A naive loop over S_C, matched by sample id.
        var baselineRaw = runs.Baseline.Rows.Where(r => r.Split == "S_C").ToDictionary(r => r.SampleId, r => r.Raw);
        double sum = 0, own = 0;
        int n = 0;
        foreach (var r in runs.TextNoise.Rows.Where(r => r.Split == "S_C"))
        {
            sum += (r.Raw - baselineRaw[r.SampleId]) / range;
            own += r.Raw / range;
            n++;
        }
        Assert.Equal(sum / n, noise.CandidatesMinusBaseline, 10);
        Assert.Equal(own / n, noise.CandidatesMean, 10);
        Assert.InRange(noise.CandidatesMinusBaseline, noise.CandidatesMinusBaselineLow, noise.CandidatesMinusBaselineHigh);
        Assert.InRange(noise.PairedP, 0, 1);
        Assert.Equal(baseline.CandidatesMean + noise.CandidatesMinusBaseline, noise.CandidatesMean, 10);

        Assert.Equal(0, baseline.CandidatesMinusBaseline);
        Assert.Equal(1, baseline.PairedP);
        Assert.Equal(0, baseline.SigmaRelative);
        var rms = TrainingHistory.Read(Path.Combine(runs.TextNoise.RunDirectory, "f", "metrics.jsonl"))[^1]["text_embedding_rms"];
        Assert.Equal(0.15 / rms, noise.SigmaRelative, 12);
        Assert.Equal(runs.TextNoise.Summary.LinearProbeAcc, noise.LinearProbe);

        // Over seeds: one seed has no interval; the probe's change is against the same seed's baseline.
        var summary = MitigationSummaryRow.Of([baseline, noise]);
        Assert.Equal(["sigma 0.00", "sigma 0.15"], summary.Select(s => s.Setting));
        Assert.Equal(noise.LinearProbe - baseline.LinearProbe, summary[1].LinearProbeMinusBaseline, 12);
        Assert.True(double.IsNaN(summary[1].CandidatesMinusBaselineLow) && double.IsNaN(summary[1].CandidatesSeedSd));
        Assert.Equal("n/a", MitigationViews.Cells(summary[1])[3].Split('[')[1].Split(',')[0]);
    }

    [Fact]
    public void ARunOfAnotherSeedIsNotComparedWithTheBaseline()
    {
        var setting = new MitigationSetting(MitigationGrid.Noise, "sigma 0.15", 0.15, TinyRuns.TextNoiseConfig);
        var other = runs.TextNoise with { Config = runs.TextNoise.Config with { Seed = 5 } };
        var error = Assert.Throws<ArgumentException>(() => MitigationRow.From(setting, other, runs.Baseline));
        Assert.Contains("seed 5", error.Message);
    }

    [Fact]
    public async Task TheTablesAreWrittenAsCsvAndParquetWithTheSameColumns()
    {
        using var dir = new TempDirectory();
        var setting = new MitigationSetting(MitigationGrid.Noise, "sigma 0.15", 0.15, TinyRuns.TextNoiseConfig);
        var row = MitigationRow.From(setting, runs.TextNoise, runs.Baseline);
        string csv = RecordTable.Write(dir.Path, "rows", [row]);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(string.Join(',', RecordTable.Columns<MitigationRow>()), lines[0]);
        Assert.StartsWith("noise,noise,sigma 0.15,0.15,0,", lines[1]);
        await using var parquet = File.OpenRead(Path.Combine(dir.Path, "rows.parquet"));
        var back = await ParquetSerializer.DeserializeUntypedAsync(parquet);
        Assert.Equal(RecordTable.Columns<MitigationRow>(), back.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(row.CandidatesMinusBaseline, back.Data.Single()["sc_minus_baseline"]);
        Assert.Equal(row.Setting, back.Data.Single()["setting"]);
    }

    [Fact]
    public void TheChartsPutOursBesideTheStudysChangeFromItsBaseline()
    {
        var baseline = MitigationRow.From(new MitigationSetting(MitigationGrid.Noise, "sigma 0.00", 0, TinyRuns.BaselineConfig), runs.Baseline, runs.Baseline);
        var noise = MitigationRow.From(new MitigationSetting(MitigationGrid.Noise, "sigma 0.15", 0.15, TinyRuns.TextNoiseConfig), runs.TextNoise, runs.Baseline);
        var result = new MitigationStudyResult(MitigationGrid.Noise, "", [baseline, noise], MitigationSummaryRow.Of([baseline, noise]));
        var traces = ChartJson.Traces(MitigationViews.MemorizationBesideStudy(result));
        Assert.Equal(2, traces.Count);
        var ours = ChartJson.Numbers(traces[0]!["y"]);
        Assert.Equal(2, ours.Count);
        Assert.Equal(0, ours[0]);
        Assert.Equal(noise.CandidatesMinusBaseline, ours[1], 5);
        var study = ChartJson.Numbers(traces[1]!["y"]);
        Assert.Equal(StudyReference.TextNoise.Count, study.Count);
        Assert.Equal(0, study[0]);
        Assert.Equal(StudyReference.TextNoise[4].ClipMem - StudyReference.TextNoise[0].ClipMem, study[4], 6);   // the study's sweet spot, sigma 0.15
        Assert.Contains("different scales", (string)ChartJson.Layout(MitigationViews.MemorizationBesideStudy(result))["title"]!["text"]!);
    }
}
