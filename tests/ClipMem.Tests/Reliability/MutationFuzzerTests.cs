using ClipMem.Common;
using ClipMem.Diagnostics.Reliability;

namespace ClipMem.Tests.Reliability;

public class MutationFuzzerTests
{
    [Fact]
    public void AMinuteOfMutantsOverEveryLoaderEndsInLoadsOrClearErrorsOnly()
    {
        using var dir = new TempDirectory();
        var log = new StringWriter();
        var report = new MutationFuzzer(dir.Path, seed: 0).Run(TimeSpan.FromSeconds(60), log: log);
        Assert.True(report.Failures.Count == 0, log.ToString());
        Assert.All(report.Tallies, t => Assert.True(t.Cases >= 20, $"{t.Target}: only {t.Cases} mutants in a minute"));
        Assert.All(report.Tallies, t => Assert.True(t.ClearErrors > 0, $"{t.Target}: no mutant was refused, so the mutations never damaged it"));
    }

    [Fact]
    public void CaseNOfATargetIsTheSameMutantForTheSameSeed()
    {
        byte[] data = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        var a = MutationFuzzer.Mutate(data, DeterministicRandom.For(3, "fuzz", "x", 7));
        var b = MutationFuzzer.Mutate(data, DeterministicRandom.For(3, "fuzz", "x", 7));
        var c = MutationFuzzer.Mutate(data, DeterministicRandom.For(3, "fuzz", "x", 8));
        Assert.Equal(a.Mutant, b.Mutant);
        Assert.Equal(a.Description, b.Description);
        Assert.NotEqual(a.Description, c.Description);
    }

    [Fact]
    public void AFailingMutantIsKeptWithANote()
    {
        using var dir = new TempDirectory();
        // A loader that crashes on anything: the fuzzer must report it and keep the mutant.
        var crashing = new FuzzTarget("crashing", folder =>
        {
            string file = Path.Combine(folder, "x.bin");
            File.WriteAllBytes(file, new byte[64]);
            return (file, () => throw new IndexOutOfRangeException("bug"));
        });
        var (outcome, failure) = new MutationFuzzer(dir.Path).Case(crashing, 0);
        Assert.Equal(InputOutcome.Crash, outcome);
        Assert.True(File.Exists(failure!.SavedAs));
        Assert.Contains("System.IndexOutOfRangeException: bug", File.ReadAllText(Path.Combine(Path.GetDirectoryName(failure.SavedAs)!, "failure.txt")));
    }
}
