using ClipMem.Diagnostics;

namespace ClipMem.Tests.Reliability;

public class RunDirectoryConcurrencyTests
{
    [Fact]
    public void ASecondJobOnTheSameDirectoryIsRefusedNamingTheFirstAndAKilledHoldersClaimIsFreed()
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run"), reference = Path.Combine(dir.Path, "reference");
        using (var first = new JobProcess(run))
        {
            string holder = Path.Combine(run, "run.lock.holder");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(holder) && clock.Elapsed < TimeSpan.FromSeconds(60) && !first.Process.HasExited) Thread.Sleep(20);
            Assert.True(File.Exists(holder), first.Output);

            var (code, output) = JobProcess.Run(run);
            Assert.NotEqual(0, code);
            Assert.Contains($"is in use by process pid {first.Process.Id}", output);
            Assert.Contains("Nothing was changed", output);

            // Killed while holding the claim: the kernel drops the lock with the process, the holder file stays behind.
            first.Process.Kill(entireProcessTree: true);
            first.Process.WaitForExit();
        }
        Assert.True(File.Exists(Path.Combine(run, "run.lock.holder")));
        var resumed = JobProcess.Run(run);
        Assert.True(resumed.Code == 0, resumed.Output);
        Assert.True(JobProcess.Run(reference).Code == 0);
        Assert.Empty(KillResumeTrials.Compare(reference, run));
    }
}
