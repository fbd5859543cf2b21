using System.Text.Json.Nodes;
using ClipMem.Common;
using ClipMem.Diagnostics;

namespace ClipMem.Tests.Reliability;

public class FailedWriteTests
{
    /// <summary>300 KB: the checkpoint's optimizer state (about 440 KB) cannot be written; 1,024 KB: the report (about 3.7 MB) cannot.</summary>
    [Theory]
    [InlineData(300)]
    [InlineData(1024)]
    public void AWriteThatFailsGivesAClearErrorKeepsWhatWasWrittenAndARerunCompletes(int limitKb)
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run"), reference = Path.Combine(dir.Path, "reference");
        var (code, output) = JobProcess.Run(run, fileSizeLimitKb: limitKb);
        Assert.NotEqual(0, code);
        Assert.Contains("could not be written (", output);
        Assert.Contains("is the disk full, or a file-size limit set?", output);

        // Nothing torn: every JSON parses, every checkpoint verifies, no file is above the limit, no temporary outlives the job.
        foreach (var file in Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories))
        {
            Assert.True(new FileInfo(file).Length <= limitKb * 1024L, file);
            if (file.EndsWith(".json", StringComparison.Ordinal) && new FileInfo(file).Length > 0) JsonNode.Parse(File.ReadAllText(file));
        }
        foreach (var checkpoint in Directory.EnumerateDirectories(run, "step-*", SearchOption.AllDirectories))
            Assert.Null(Checksums.Verify(checkpoint));
        Assert.False(File.Exists(Path.Combine(run, "summary.json")));

        var rerun = JobProcess.Run(run);
        Assert.True(rerun.Code == 0, rerun.Output);
        Assert.True(JobProcess.Run(reference).Code == 0);
        Assert.Empty(KillResumeTrials.Compare(reference, run));
    }
}
