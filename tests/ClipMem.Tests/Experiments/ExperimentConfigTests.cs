using ClipMem.Cli;
using ClipMem.Experiments;

namespace ClipMem.Tests.Experiments;

public class ExperimentConfigTests
{
    [Fact]
    public void TheBaselineTrainsAndScoresOneCaptionPerImageTheMitigationSeveral()
    {
        var baseline = new ExperimentConfig(ExperimentPreset.Tiny);
        Assert.Equal(1, baseline.CaptionsPerImage);
        var one = ExperimentData.Build(baseline, TextWriter.Null);
        var three = ExperimentData.Build(baseline with { CaptionsPerImage = 3 }, TextWriter.Null);
        foreach (var sample in one.Effective)
        {
            Assert.Single(sample.Captions);
            // A mis-captioned sample carries its donor's first caption; every other sample its own first one.
            var source = sample.Truth.IsMiscaptioned ? one.Pool[one.Injection.DonorOf[sample.Id]] : one.Pool[sample.Id];
            Assert.Equal(source.Captions[0], sample.Captions[0]);
        }
        Assert.All(three.Effective, s => Assert.Equal(3, s.Captions.Count));
        Assert.All(one.Pool, s => Assert.Equal(5, s.Captions.Count));
        Assert.NotEqual(baseline.Hash(), (baseline with { CaptionsPerImage = 3 }).Hash());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void CaptionsPerImageOutsideOneToFiveNamesTheFieldAndTheAllowedValues(int captions)
    {
        var config = new ExperimentConfig(ExperimentPreset.Tiny, CaptionsPerImage: captions);
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains($"captions_per_image = {captions}", error.Message);
        Assert.Contains("1..5", error.Message);
    }

    [Fact]
    public void ABadValueFromTheCommandLineIsRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run");
        var (code, _, error) = CliCalls.Run("prepare", "--preset", "tiny", "--captions-per-image", "9", "--out", run);
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains("captions_per_image = 9", error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void NegativeTextNoiseIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(new ExperimentConfig(ExperimentPreset.Tiny, TextNoiseSigma: -0.1).Validate);
        Assert.Contains("text_noise_sigma", error.Message);
    }
}
