using ClipMem.Data;
using ClipMem.Data.Splits;
using ClipMem.Data.Synthetic;

namespace ClipMem.Tests.Splits;

public class SplitPlanTests
{
    private static readonly CaptionDataset Pool = SyntheticScenes.Generate(new SyntheticScenesOptions(Count: 800, Seed: 1));

    [Fact]
    public void SplitsAreDisjointWithTheRequestedSizes()
    {
        var sizes = SplitSizes.ScaledTo(Pool.Count);
        Assert.Equal(new SplitSizes(650, 50, 50, 50), sizes);
        var plan = SplitPlan.Create(Pool, sizes, seed: 3);
        var all = Enum.GetValues<Split>().SelectMany(plan.Members).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var split in Enum.GetValues<Split>()) Assert.Equal(sizes[split], plan.Members(split).Count);
        Assert.All(all, id => Assert.True(Pool.Contains(id)));
    }

    [Fact]
    public void SameSeedSamePlanWhateverTheLoadOrder()
    {
        var reversed = new CaptionDataset(Pool.Name, Pool.Source, Pool.Reverse());
        var sizes = SplitSizes.ScaledTo(Pool.Count);
        var a = SplitPlan.Create(Pool, sizes, 3);
        var b = SplitPlan.Create(reversed, sizes, 3);
        var c = SplitPlan.Create(Pool, sizes, 4);
        foreach (var split in Enum.GetValues<Split>()) Assert.Equal(a.Members(split), b.Members(split));
        Assert.NotEqual(a.Members(Split.Candidates), c.Members(Split.Candidates));
    }

    [Fact]
    public void MembershipListsFollowTheStudy()
    {
        var plan = SplitPlan.Create(Pool, SplitSizes.ScaledTo(Pool.Count), 3);
        var f = plan.MembershipOfF.ToHashSet();
        var g = plan.MembershipOfG.ToHashSet();
        Assert.Equal(plan.Members(Split.Shared).Concat(plan.Members(Split.Candidates)).ToHashSet(), f);
        Assert.Equal(plan.Members(Split.Shared).Concat(plan.Members(Split.Independent)).ToHashSet(), g);
        Assert.DoesNotContain(plan.Members(Split.Extra), id => f.Contains(id) || g.Contains(id));
        Assert.DoesNotContain(plan.Members(Split.Candidates), g.Contains);
        Assert.DoesNotContain(plan.Members(Split.Independent), f.Contains);
    }

    [Fact]
    public void SplitsLargerThanThePoolFailNamingTheSource()
    {
        var error = Assert.Throws<ArgumentException>(() => SplitPlan.Create(Pool, SplitSizes.Paper, 1));
        Assert.Contains(Pool.Source, error.Message);
        Assert.Contains("800", error.Message);
        Assert.Throws<ArgumentException>(() => SplitSizes.ScaledTo(20));
    }

    [Fact]
    public void PaperPresetHasTheStudySizes()
    {
        Assert.Equal(80_000, SplitSizes.Paper.Total);
        Assert.Equal(13 * 5_000, SplitSizes.Paper.Shared);
    }

    [Fact]
    public void SaveAndLoadRoundTrip()
    {
        var plan = SplitPlan.Create(Pool, SplitSizes.ScaledTo(Pool.Count), 3);
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "splits.csv");
        plan.Save(path);
        var loaded = SplitPlan.Load(path);
        foreach (var split in Enum.GetValues<Split>()) Assert.Equal(plan.Members(split), loaded.Members(split));
        Assert.Equal("sample_id,split", File.ReadLines(path).First());
    }

    [Fact]
    public void CorruptSplitTableNamesFileSampleAndProblem()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "splits.csv");
        File.WriteAllText(path, "sample_id,split\nscene-1,S_S\nscene-2,S_X\n");
        var error = Assert.Throws<DataFormatException>(() => SplitPlan.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("scene-2", error.Message);
        Assert.Contains("unknown split 'S_X'", error.Message);
        File.WriteAllText(path, "sample_id,split\nscene-1,S_S\nscene-1,S_C\n");
        Assert.Contains("listed twice", Assert.Throws<DataFormatException>(() => SplitPlan.Load(path)).Message);
    }
}
