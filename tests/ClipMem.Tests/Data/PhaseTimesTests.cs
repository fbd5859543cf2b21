using ClipMem.Common;

namespace ClipMem.Tests.Data;

public class PhaseTimesTests
{
    [Fact]
    public void PhasesKeepTheirFirstOrderAndRepeatsAddUp()
    {
        var phases = new PhaseTimes();
        phases.Add("training", 10);
        phases.Add("scoring", 3);
        phases.Add("training", 5);
        Assert.Equal(["training", "scoring"], phases.Seconds.Keys);
        Assert.Equal(15, phases.Seconds["training"]);
        Assert.Equal("training 15.0 s (75%), scoring 3.0 s (15%)",
            PhaseTimes.Describe(phases.Seconds, 20).Replace(" %", "%"));
    }

    [Fact]
    public void ATimedPhaseReturnsItsValueAndIsRecordedEvenWhenItThrows()
    {
        var phases = new PhaseTimes();
        Assert.Equal(42, phases.Time("answer", () => 42));
        Assert.Throws<InvalidOperationException>(() => phases.Time("failing", () => throw new InvalidOperationException("boom")));
        Assert.Equal(["answer", "failing"], phases.Seconds.Keys);
        Assert.Throws<ArgumentOutOfRangeException>(() => phases.Add("negative", -1));
    }
}
