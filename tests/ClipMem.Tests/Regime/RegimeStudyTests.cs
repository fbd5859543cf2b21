using ClipMem.Evaluation;
using ClipMem.Experiments;
using ClipMem.Experiments.Regime;
using ClipMem.Tests.Reporting;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Regime;

public class RegimeGridTests
{
    [Fact]
    public void EachPointChangesOnlyItsFactorAndTheBaselineComesOnce()
    {
        var quick = ExperimentPreset.Quick;
        var points = RegimeGrid.Around(quick);
        Assert.Single(points, p => p.Factor == RegimeGrid.Baseline);
        Assert.Equal(points.Count, points.Select(p => p.Config.Hash()).Distinct().Count());
        foreach (var p in points.Where(p => p.Factor != RegimeGrid.Baseline))
        {
            var c = p.Config;
            var changed = new[]
            {
                ("epochs", c.Recipe.Epochs != quick.Recipe.Epochs),
                ("batch", c.Recipe.BatchSize != quick.Recipe.BatchSize),
                ("pool", c.Data.PoolSize != quick.Data.PoolSize),
                ("model", c.Model.Size != quick.Model.Size),
                ("captions", c.Data.CaptionsPerImage != quick.Data.CaptionsPerImage),
                ("augmentation", c.Data.Transform != quick.Data.Transform),
                ("world", c.Data.World != quick.Data.World),
            }.Where(x => x.Item2).Select(x => x.Item1).ToList();
            Assert.Equal([p.Factor], changed);
            c.Validate();
        }
        Assert.Equal(["baseline", "epochs-12", "epochs-24", "epochs-60"], RegimeGrid.Around(quick, ["epochs"]).Select(p => p.Name));
        Assert.Equal(["baseline", $"batch-{quick.Recipe.BatchSize / 2}", $"batch-{quick.Recipe.BatchSize * 2}"],
            RegimeGrid.Around(quick, ["batch"]).Select(p => p.Name));
        Assert.Equal(["baseline", "world-colour0.5", "world-position0.3", "world-tail1200", "world-head1"],
            RegimeGrid.Around(quick, ["world"]).Select(p => p.Name));
    }

    [Fact]
    public void TheWorldFactorNeedsTheSyntheticWorld()
    {
        var csv = ExperimentPreset.Tiny.WithDataset("csv");
        var error = Assert.Throws<ArgumentException>(() => RegimeGrid.Around(csv, ["world"]));
        Assert.Contains("synthetic", error.Message);
        Assert.Contains("csv", error.Message);
    }

    [Fact]
    public void AnUnknownFactorNamesTheAllowedOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => RegimeGrid.Around(ExperimentPreset.Tiny, ["temperature"]));
        Assert.Contains("temperature", error.Message);
        Assert.Contains("epochs, batch, pool", error.Message);
    }

    [Fact]
    public void TheDifferenceOfMeansIntervalCoversTheDifference()
    {
        var a = Enumerable.Range(0, 200).Select(i => 1.0 + (i % 7) * 0.1).ToList();
        var b = Enumerable.Range(0, 300).Select(i => 0.2 + (i % 5) * 0.1).ToList();
        var gap = Statistics.BootstrapDifferenceOfMeans(a, b, seed: 1);
        Assert.Equal(a.Average() - b.Average(), gap.Mean, 12);
        Assert.True(gap.Low < gap.Mean && gap.Mean < gap.High);
        // Both groups' standard errors add: the interval is wider than either group's alone.
        var alone = Statistics.BootstrapMean(a, seed: 1);
        Assert.True(gap.High - gap.Low > alone.High - alone.Low);
    }
}

[Collection(TorchRandomStateCollection.Name)]
public class RegimeStudyTests
{
    [Fact]
    public void ATinyStudyWritesOneRowPerPointAndResumesWithoutRetraining()
    {
        using var dir = new TempDirectory();
        var tiny = ExperimentPreset.Tiny;
        var points = RegimeGrid.Around(tiny, ["epochs"]).Take(2).ToList(); // the baseline and 4 epochs
        var runtime = new RuntimeOptions(Threads: 2);
        var rows = new RegimeStudy(runtime, dir.Path, TextWriter.Null).Run(points);

        Assert.Equal(["baseline", "epochs"], rows.Select(r => r.Factor));
        foreach (var r in rows)
        {
            Assert.InRange(r.CleanCandidatesMinusShared, r.CleanCandidatesMinusSharedLow, r.CleanCandidatesMinusSharedHigh);
            Assert.InRange(r.CandidatesMinusIndependent, r.CandidatesMinusIndependentLow, r.CandidatesMinusIndependentHigh);
            Assert.True(double.IsFinite(r.TrainLoss) && double.IsFinite(r.HeldOutLoss), $"{r.Factor}: losses {r.TrainLoss}, {r.HeldOutLoss}");
        }
        // The baseline row is the baseline run's own numbers.
        var baseline = ClipMemRuns.Open(Path.Combine(dir.Path, "baseline"));
        Assert.Equal(baseline.Summary.MiscaptionAuroc, rows[0].MiscaptionAuroc);
        var lines = File.ReadAllLines(Path.Combine(dir.Path, RegimeStudy.TableFile));
        Assert.Equal(string.Join(',', RegimeStudy.Columns), lines[0]);
        Assert.Equal(3, lines.Length);
        // What `clipmem experiment regime` prints: the notebook's table as aligned text, a line per point.
        var text = ClipMem.Reporting.RegimeViews.TextTable(rows).ToText(indent: "").TrimEnd().Split('\n');
        Assert.Equal(3, text.Length);
        Assert.StartsWith("factor", text[0]);
        Assert.Equal(text[0].IndexOf("setting", StringComparison.Ordinal), text[2].IndexOf("4", StringComparison.Ordinal));  // columns line up

        string metrics = Path.Combine(dir.Path, "epochs-4", "f", "metrics.jsonl");
        // The loss chart: per point, f's training and held-out loss at every epoch, as metrics.jsonl has them.
        var traces = ChartJson.Traces(ClipMem.Reporting.RegimeViews.LossChart(rows, "epochs", tiny));
        Assert.Equal(4, traces.Count);
        var history = ClipMem.Training.TrainingHistory.Read(metrics);
        var shortRun = traces.Where(t => ((string)t!["name"]!).StartsWith("4:", StringComparison.Ordinal)).ToList();
        // The figure JSON carries single precision.
        static void Near(IEnumerable<double> expected, List<double> actual) =>
            Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5));
        Assert.Equal(history.Count, ChartJson.Numbers(shortRun[0]!["y"]).Count);
        Near(history.Select(e => e.Loss), ChartJson.Numbers(shortRun[0]!["y"]));
        Near(history.Select(e => e["heldout_loss"]), ChartJson.Numbers(shortRun[1]!["y"]));
        Assert.Equal(Enumerable.Range(0, 4).Select(e => (double)e), ChartJson.Numbers(shortRun[0]!["x"]));
        var written = File.GetLastWriteTimeUtc(metrics);
        var again = new RegimeStudy(runtime, dir.Path, TextWriter.Null).Run(points);
        Assert.Equal(rows.Select(r => r.CleanCandidatesMinusShared), again.Select(r => r.CleanCandidatesMinusShared));
        Assert.Equal(written, File.GetLastWriteTimeUtc(metrics)); // read back, not retrained
    }
}
