using System.Diagnostics;
using ClipMem.Experiments.Jobs;
using ClipMem.Training;

namespace ClipMem.Tests.Jobs;

/// <summary>Child jobs: crashes are retried once, errors are not, and every failure says what, how, where and how to resume.</summary>
public class JobRunnerTests
{
    // Each job is a shell script standing in for a child clipmem process; the spec's arguments stay the real ones.
    private static JobRunner Runner(string script, StringWriter log) => new(log)
    {
        StartInfo = _ =>
        {
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            return start;
        },
    };

    private static JobSpec Spec(TempDirectory dir) => new("training f", ["train", dir.Path, "--model", "f"], Path.Combine(dir.Path, "f", "train.log"));

    [Fact]
    public void AJobKilledByASignalIsRetriedOnceAndThenSucceeds()
    {
        using var dir = new TempDirectory();
        string marker = Path.Combine(dir.Path, "crashed-once");
        var log = new StringWriter();
        // First attempt: segfault; the second finds the marker and finishes, as a resumed trainer would.
        Runner($"if [ -e '{marker}' ]; then echo resumed; exit 0; fi; touch '{marker}'; kill -SEGV $$", log).Run([Spec(dir)], concurrently: false);

        Assert.Contains("training f: the process was killed by signal 11 (SIGSEGV, a segmentation fault); retrying once", log.ToString());
        string childLog = File.ReadAllText(Path.Combine(dir.Path, "f", "train.log"));
        Assert.Contains("# attempt 1", childLog);
        Assert.Contains("# exit code 139 (signal 11", childLog);
        Assert.Contains("# attempt 2", childLog);
        Assert.Contains("resumed", childLog);
    }

    [Fact]
    public void AJobThatCrashesTwiceFailsNamingTheSignalTheLogAndTheResumeCommand()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<JobFailedException>(() =>
            Runner("echo 'Expected false to be true' >&2; kill -ABRT $$", new StringWriter()).Run([Spec(dir)], concurrently: false));
        Assert.Contains("training f failed after a retry", error.Message);
        Assert.Contains("signal 6 (SIGABRT", error.Message);
        Assert.Contains("Expected false to be true", error.Message);
        Assert.Contains(Path.Combine(dir.Path, "f", "train.log"), error.Message);
        Assert.Contains($"resume with: clipmem train {dir.Path} --model f", error.Message);
    }

    [Fact]
    public void AnErrorExitIsNotRetried()
    {
        using var dir = new TempDirectory();
        string count = Path.Combine(dir.Path, "attempts");
        var error = Assert.Throws<JobFailedException>(() =>
            Runner($"echo x >> '{count}'; echo 'error: bad dataset' >&2; exit 2", new StringWriter()).Run([Spec(dir)], concurrently: false));
        Assert.Single(File.ReadAllLines(count));
        Assert.Contains("exited with code 2", error.Message);
        Assert.Contains("error: bad dataset", error.Message);
        Assert.DoesNotContain("retry", error.Message);
    }

    [Fact]
    public void ProgressLinesReachTheCallbackAndStayOutOfTheLog()
    {
        using var dir = new TempDirectory();
        var sent = new TrainingProgress("f", 3, 10, 0, 4.25, 1e-3, 812.5, TimeSpan.FromSeconds(1.5), new Dictionary<string, double> { ["logit_scale"] = 14.3 });
        var received = new List<TrainingProgress>();
        string line = ProgressLine.Format(sent).Replace("'", "'\\''");
        new JobRunner(new StringWriter())
        {
            Progress = received.Add,
            StartInfo = _ =>
            {
                var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"echo 'plain log line'; echo '{line}'");
                return start;
            },
        }.Run([Spec(dir)], concurrently: false);

        var got = Assert.Single(received);
        Assert.Equal((sent.RunName, sent.Step, sent.TotalSteps, sent.Loss, sent.SamplesPerSecond), (got.RunName, got.Step, got.TotalSteps, got.Loss, got.SamplesPerSecond));
        Assert.Equal(14.3, got.Metrics["logit_scale"]);
        string childLog = File.ReadAllText(Path.Combine(dir.Path, "f", "train.log"));
        Assert.Contains("plain log line", childLog);
        Assert.DoesNotContain(ProgressLine.Prefix, childLog);
    }
}

/// <summary>A child job stops when its parent goes away, instead of training on, orphaned, with its model claimed.</summary>
public class ParentWatchTests
{
    [Fact]
    public async Task AChildJobStopsWhenItsStandardInputCloses()
    {
        var start = ClipMemCommand.StartInfo(["diagnose", "native-lifetimes", "--seconds", "120"]);
        Assert.True(start.RedirectStandardInput);
        Assert.Equal("1", start.Environment[ParentWatch.EnvironmentVariable]);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(3000);
        var clock = Stopwatch.StartNew();
        process.StandardInput.Close(); // what the kernel does when the parent dies
        Assert.True(process.WaitForExit(30_000), "the child went on after its parent's end");
        string stderr = await error;
        Assert.True(process.ExitCode == ParentWatch.CliExitWhenOrphaned, $"exit code {process.ExitCode}, standard error:\n{stderr}");
        Assert.Contains("the parent process ended", stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void AChildJobRunsInTheCommandsFolderNotInTheCallersCurrentDirectory()
    {
        // A notebook runner switches this process's directory to a notebook folder that a test then deletes; a
        // child started there died at once (MKL cannot load libtorch without a working directory).
        var start = ClipMemCommand.StartInfo(["diagnose", "native-lifetimes"]);
        Assert.Equal(Path.GetDirectoryName(ClipMemCommand.Locate()), start.WorkingDirectory);
        Assert.True(Directory.Exists(start.WorkingDirectory));
    }
}
