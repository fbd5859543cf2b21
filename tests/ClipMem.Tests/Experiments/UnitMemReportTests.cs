using System.Globalization;
using ClipMem.Data.Splits;
using ClipMem.Experiments;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>The main job measures UnitMem of f's image tower: unitmem.csv per unit and the per-layer summary agree.</summary>
[Collection(TorchRandomStateCollection.Name)]
public class UnitMemReportTests(TinyRuns runs)
{
    [Fact]
    public void TheSamplesAreAllOfSCAndAsManyDistinctSSSamplesTheSameForTheSameSeed()
    {
        var plan = runs.Baseline.Data.Plan;
        var samples = UnitMemReport.Samples(plan, 3);
        var candidates = plan.Members(Split.Candidates);
        Assert.Equal(candidates, samples.Take(candidates.Count));
        var shared = samples.Skip(candidates.Count).ToList();
        Assert.Equal(candidates.Count, shared.Count);
        Assert.All(shared, id => Assert.Equal(Split.Shared, plan.SplitOf(id)));
        Assert.Equal(shared.Count, shared.Distinct().Count());
        Assert.Equal(samples, UnitMemReport.Samples(plan, 3));
        Assert.NotEqual(shared, UnitMemReport.Samples(plan, 4).Skip(candidates.Count));
    }

    [Fact]
    public void EveryLayerOfFsTowerIsInTheSummaryAndEachLayerMeanIsTheMeanOfItsUnitsInTheCsv()
    {
        var result = runs.Baseline;
        var layers = result.Summary.UnitMem!;
        var lines = File.ReadAllLines(Path.Combine(result.RunDirectory, UnitMemReport.FileName));
        Assert.StartsWith("layer,unit,unitmem_median_rest,unitmem_mean_rest,top_sample_id", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(Enumerable.Range(0, layers.Count), layers.Select(l => l.Layer));
        Assert.Equal(layers.Count, rows.Select(r => r[0]).Distinct().Count());
        Assert.True(result.Summary.PhaseSeconds!.ContainsKey("unitmem"));
        var samples = UnitMemReport.Samples(result.Data.Plan, result.Config.Seed).Select(id => id.Value).ToHashSet();
        foreach (var layer in layers)
        {
            var units = rows.Where(r => r[0] == layer.Layer.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(layer.Units, units.Count);
            double Mean(int column) => units.Where(r => r[column] != "").Average(r => double.Parse(r[column], CultureInfo.InvariantCulture));
            Assert.Equal(layer.MeanMedianRest, Mean(2), 9);
            Assert.Equal(layer.MeanMeanRest, Mean(3), 9);
            Assert.Equal(layer.DeadUnits, units.Count(r => r[2] == ""));
            Assert.InRange(layer.MeanMedianRest, 0.0, 1.0);
            Assert.All(units, r => Assert.Contains(r[4], samples));
            Assert.InRange(layer.TopSampleCandidatesShare, 0.0, 1.0);
        }
    }
}
