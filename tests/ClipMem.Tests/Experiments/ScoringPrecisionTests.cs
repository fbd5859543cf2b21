using ClipMem.Common;
using ClipMem.Evaluation;
using ClipMem.Experiments;
using ClipMem.Models;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>Scoring has a precision of its own (scoring.precision), apart from the recipe's training precision.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class ScoringPrecisionTests(TinyRuns runs)
{
    [Fact]
    public void Bf16ScoringOfTheSameWeightsIsItsOwnRunAndAgreesWithFp32Scoring()
    {
        var fp32 = runs.Baseline;
        var config = TinyRuns.BaselineConfig with { Scoring = TinyRuns.BaselineConfig.Scoring with { Precision = MatmulPrecision.Bf16 } };
        Assert.NotEqual(TinyRuns.BaselineConfig.Hash(), config.Hash());
        using var dir = new TempDirectory();
        var runtime = new RuntimeOptions(Threads: 2);
        var bf16 = new ClipMemExperiment(config, runtime, RunDirectory.Open(dir.Path, config, runtime), TextWriter.Null).Run();

        // Training is the recipe's alone: the same weights, byte for byte.
        foreach (string model in new[] { "f", "g" })
        {
            string Weights(string run) => Checksums.Of(Path.Combine(ClipMem.Training.Checkpoint.Latest(Path.Combine(run, model, "checkpoints"))!, "model.bin"));
            Assert.Equal(Weights(fp32.RunDirectory), Weights(bf16.RunDirectory));
        }
        // Embedded in bf16: other numbers, the same ranking of samples.
        var bf16Scores = bf16.Rows.ToDictionary(r => r.SampleId, r => r.ClipMem);
        Assert.Equal(fp32.Rows.Select(r => r.SampleId).Order(), bf16Scores.Keys.Order());
        var a = fp32.Rows.Select(r => r.ClipMem).ToList();
        var b = fp32.Rows.Select(r => bf16Scores[r.SampleId]).ToList();
        Assert.NotEqual(a, b);
        Assert.InRange(Statistics.Spearman(a, b), 0.99, 1.0);
    }

    [Theory]
    [InlineData("fp32", "cpu", true, MatmulPrecision.Fp32, MatmulPrecision.Fp32)]
    [InlineData("bf16", "cpu", false, MatmulPrecision.Bf16, MatmulPrecision.Bf16)]
    [InlineData("auto", "cpu", true, MatmulPrecision.Bf16, MatmulPrecision.Bf16)]
    [InlineData("auto", "cpu", false, MatmulPrecision.Fp32, MatmulPrecision.Fp32)]
    [InlineData("auto", "cuda", false, MatmulPrecision.Bf16, MatmulPrecision.Bf16)]
    public void AutoPicksBf16WhereTheHardwareComputesIt(string asked, string device, bool cpuHasBf16, MatmulPrecision training, MatmulPrecision scoring) =>
        Assert.Equal((training, scoring), PrecisionChoice.For(asked, device, cpuHasBf16));

    [Fact]
    public void AnUnknownPrecisionNamesTheAllowedValues() =>
        Assert.Contains("fp32, bf16 and auto", Assert.Throws<ArgumentException>(() => PrecisionChoice.For("fp16", "cpu", true)).Message);
}
