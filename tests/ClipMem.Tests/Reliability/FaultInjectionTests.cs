using ClipMem.Common;

namespace ClipMem.Tests.Reliability;

public class FaultInjectionTests
{
    [Theory]
    [InlineData("phase:training+2.5", "training", 2.5, 0)]
    [InlineData("phase:report+0", "report", 0.0, 0)]
    [InlineData("checkpoint-write:3", null, 0.0, 3)]
    public void KillMomentsAreReadAsSpelledAndSpelledBackTheSameWay(string text, string? phase, double seconds, int hit)
    {
        var at = FaultInjection.KillAt.Parse(text)!;
        Assert.Equal(new FaultInjection.KillAt(phase, seconds, hit), at);
        Assert.Equal(at, FaultInjection.KillAt.Parse(at.ToString()));
    }

    [Theory]
    [InlineData("training+2")]
    [InlineData("phase:training")]
    [InlineData("phase:+1")]
    [InlineData("phase:training+-1")]
    [InlineData("checkpoint-write:0")]
    [InlineData("checkpoint-write:x")]
    public void AMisspeltMomentIsRefusedNamingTheVariable(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => FaultInjection.KillAt.Parse(text));
        Assert.StartsWith($"CLIPMEM_KILL_AT={text}: expected", error.Message);
    }

    [Fact]
    public void NoVariableMeansNoKill() => Assert.Null(FaultInjection.KillAt.Parse(null));
}
