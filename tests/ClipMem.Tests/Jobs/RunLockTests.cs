using ClipMem.Experiments.Jobs;

namespace ClipMem.Tests.Jobs;

public class RunLockTests
{
    [Fact]
    public void ASecondClaimIsRefusedNamingTheHolderAndFreedWhenReleased()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "run.lock");
        using (RunLock.Acquire(path, "run directory X"))
        {
            var error = Assert.Throws<InvalidOperationException>(() => RunLock.Acquire(path, "run directory X"));
            Assert.Contains("run directory X is in use by process pid " + Environment.ProcessId, error.Message);
            Assert.Contains("Nothing was changed", error.Message);
        }
        using var again = RunLock.Acquire(path, "run directory X");
        Assert.Equal(path, again.Path);
    }
}
