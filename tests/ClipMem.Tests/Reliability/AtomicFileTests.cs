using System.Diagnostics;
using ClipMem.Common;

namespace ClipMem.Tests.Reliability;

public class AtomicFileTests
{
    [Fact]
    public void AWriteThatFailsHalfwayLeavesThePreviousFileAndNoTemporary()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "scores.csv");
        AtomicFile.WriteAllText(path, "old");
        var error = Assert.Throws<WriteFailedException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new, but only half"u8);
            throw new IOException("No space left on device");
        }));
        Assert.StartsWith($"{path} could not be written (No space left on device)", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void OrphansOfEndedWritersAreRemovedAndLiveWritesAndOtherFilesKept()
    {
        using var dir = new TempDirectory();
        using var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();
        string Temp(string name, int pid) => Path.Combine(dir.Path, $"{name}.{pid}.{Guid.NewGuid():N}.tmp");
        string orphanFile = Temp("summary.json", ended.Id), orphanFolder = Temp(Path.Combine("f", "checkpoints", ".step-00000039"), ended.Id);
        string live = AtomicFile.TemporarySibling(Path.Combine(dir.Path, "report.html"));
        string plain = Path.Combine(dir.Path, "notes.tmp");   // no writer in its name: not ours to remove
        Directory.CreateDirectory(orphanFolder);
        File.WriteAllText(Path.Combine(orphanFolder, "model.bin"), "half");
        foreach (var file in new[] { orphanFile, live, plain }) File.WriteAllText(file, "");

        Assert.Equal(2, AtomicFile.RemoveOrphans(dir.Path));
        Assert.False(File.Exists(orphanFile));
        Assert.False(Directory.Exists(orphanFolder));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(plain));
    }
}
