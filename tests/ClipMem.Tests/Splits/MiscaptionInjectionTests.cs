using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;

namespace ClipMem.Tests.Splits;

public class MiscaptionInjectionTests
{
    private static readonly CaptionDataset Pool = SyntheticScenes.Generate(new SyntheticScenesOptions(Count: 1600, Seed: 2));
    private static readonly SplitPlan Plan = SplitPlan.Create(Pool, SplitSizes.ScaledTo(Pool.Count), 5);

    [Fact]
    public void FivePercentOfCandidatesAreDeranged()
    {
        var injection = MiscaptionInjection.Plan(Plan, 0.05, seed: 9);
        Assert.Equal(5, injection.Count); // 5% of 100
        var candidates = Plan.Members(Split.Candidates).ToHashSet();
        Assert.All(injection.DonorOf, kv =>
        {
            Assert.NotEqual(kv.Key, kv.Value);
            Assert.Contains(kv.Key, candidates);
            Assert.Contains(kv.Value, injection.DonorOf.Keys); // donors are other injected samples
        });
        Assert.Equal(injection.Count, injection.DonorOf.Values.Distinct().Count()); // a permutation
    }

    [Fact]
    public void NoInjectedSampleKeepsItsCaptionsAndAllCaptionsMoveTogether()
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            var injection = MiscaptionInjection.Plan(Plan, 0.05, seed);
            var injected = injection.ApplyTo(Pool);
            foreach (var (id, donor) in injection.DonorOf)
            {
                Assert.NotEqual(Pool[id].Captions, injected[id].Captions);
                Assert.Equal(Pool[donor].Captions, injected[id].Captions);
                Assert.True(injected[id].Truth.IsMiscaptioned);
                Assert.Contains(donor.Value, injected[id].Truth.Reason);
                Assert.Equal(Pool[id].Image, injected[id].Image);
            }
            Assert.Equal(injection.Count, injected.Count(s => s.Truth.IsMiscaptioned));
        }
    }

    [Fact]
    public void SmallFractionStillInjectsAValidDerangementAndZeroInjectsNothing()
    {
        Assert.Equal(2, MiscaptionInjection.Plan(Plan, 0.001, 1).Count);
        Assert.Equal(0, MiscaptionInjection.Plan(Plan, 0, 1).Count);
        Assert.Throws<ArgumentException>(() => new MiscaptionInjection(new Dictionary<SampleId, SampleId> { ["a"] = "a" }));
    }

    [Fact]
    public void SaveAndLoadRoundTrip()
    {
        var injection = MiscaptionInjection.Plan(Plan, 0.05, 9);
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "miscaptions.csv");
        injection.Save(path);
        Assert.Equal(injection.DonorOf.OrderBy(kv => kv.Key), MiscaptionInjection.Load(path).DonorOf.OrderBy(kv => kv.Key));
    }
}
