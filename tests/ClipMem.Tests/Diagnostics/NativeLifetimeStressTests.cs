using System.Diagnostics;
using ClipMem.Experiments.Jobs;

namespace ClipMem.Tests.Diagnostics;

/// <summary>
/// The reproducer of the main job's two crashes as a stress test (`clipmem diagnose native-lifetimes`), in
/// a child process so a crash fails the test instead of the test host. glibc's MALLOC_PERTURB_ fills freed
/// memory, so a use after free shows at once. Before the fix the stress crashed every run within 45 s
/// (gen-0 collections, MALLOC_PERTURB_=165); the positive control, which runs the two old patterns, must
/// still crash, or the stress no longer has the power to find the bug.
/// </summary>
[Collection(StressCollection.Name)]
public class NativeLifetimeStressTests
{
    [Fact]
    public void TheWorkbenchsTrainingAndScoringPathsSurviveTheStress()
    {
        var (exitCode, output) = Stress("--seconds", "45");
        Assert.True(exitCode == 0, $"the stress crashed (exit code {exitCode}):\n{output}");
        Assert.Contains("survived:", output);
    }

    [Fact]
    public void ThePositiveControlCrashes()
    {
        var (exitCode, output) = Stress("--seconds", "90", "--control");
        Assert.True(exitCode != 0, $"the old patterns ran 90 s under the stress without crashing: the stress has lost its power\n{output}");
        // A crash is a signal (SIGSEGV, or SIGABRT from libtorch's assert); the CLI's own error exits are not one.
        Assert.True(exitCode >= 128, $"the control ended with exit code {exitCode}, not a crash:\n{output}");
        Assert.DoesNotContain("survived:", output);
    }

    private static (int ExitCode, string Output) Stress(params string[] arguments)
    {
        var start = ClipMemCommand.StartInfo(["diagnose", "native-lifetimes", .. arguments]);
        start.Environment["MALLOC_PERTURB_"] = "165";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}

/// <summary>The stress tests time-share two cores; running them one at a time keeps each one's stress real.</summary>
[CollectionDefinition(Name)]
public sealed class StressCollection
{
    public const string Name = "native-lifetime stress";
}
