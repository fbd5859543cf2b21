using ClipMem.Diagnostics.Reliability;

namespace ClipMem.Tests.Reliability;

public class BadInputCorpusTests
{
    public static TheoryData<string> CaseNames() => [.. BadInputCorpus.Cases.Select(c => $"{c.Class}: {c.Name}")];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void EveryInputLoadsOrGetsAClearErrorNamingTheFileTheSampleAndTheProblem(string name)
    {
        var c = BadInputCorpus.Cases.Single(c => $"{c.Class}: {c.Name}" == name);
        using var dir = new TempDirectory();
        var trial = BadInputCorpus.Run(c, dir.Path);
        Assert.True(trial.Outcome == (c.ShouldLoad ? InputOutcome.Loaded : InputOutcome.ClearError), $"{trial.Outcome}: {trial.Message}");
    }
}
