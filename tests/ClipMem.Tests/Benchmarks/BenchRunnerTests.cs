using System.Text.Json;
using ClipMem.Benchmarks;
using ClipMem.Cli;

namespace ClipMem.Tests.Benchmarks;

/// <summary>The bench end to end in its quick-check mode: every part runs and bench.json holds every figure. No timing is asserted.</summary>
public class BenchRunnerTests
{
    [Fact]
    public void QuickCheckWritesBenchJsonWithEveryFigure()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(["bench", "--quick-check", "--out", dir.Path], output, error);
        Assert.True(code == CliApp.ExitOk, error.ToString());

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, BenchRunner.ReportName)));
        var root = json.RootElement;
        foreach (var key in new[] { "versions", "threads", "settings", "machine", "reference", "quick", "bf16", "thread_placement", "job_placement", "peer", "targets", "process_peak_rss_bytes" })
            Assert.True(root.TryGetProperty(key, out _), $"bench.json lacks '{key}'");
        Assert.Equal(2, root.GetProperty("threads").GetProperty("torch_threads").GetInt32());
        Assert.True(root.GetProperty("versions").TryGetProperty("libtorch", out _));
        var machine = root.GetProperty("machine");
        Assert.True(machine.GetProperty("best_matmul_gflops").GetDouble() > 0);
        Assert.True(machine.GetProperty("bf16_matmul_gflops_by_size").EnumerateObject().Single().Value.GetDouble() > 0);
        Assert.Contains("fp32", machine.GetProperty("precision").GetString());
        Assert.Equal(OperatingSystem.IsLinux(), root.GetProperty("native_allocator_keeps_freed_memory").GetBoolean());
        foreach (var model in new[] { "reference", "quick" })
        {
            var figures = root.GetProperty(model);
            foreach (var key in new[] { "bare_step_samples_per_second", "full_pipeline_samples_per_second", "scoring_views_per_second_per_model",
                                        "model_flop_utilisation", "training_gflop_per_sample", "peak_rss_bytes" })
                Assert.True(figures.GetProperty(key).GetDouble() > 0, $"{model}.{key} is not positive");
            foreach (var phase in new[] { "forward_ms", "backward_ms", "optimizer_ms" })
                Assert.True(figures.GetProperty("bare_step_profile").GetProperty(phase).GetDouble() > 0, $"{model}.bare_step_profile.{phase} is not positive");
        }
        // bf16 is measured exactly where the CPU computes it, on the same two models.
        var bf16 = root.GetProperty("bf16");
        Assert.Equal(ClipMem.Common.MachineInfo.HasBf16 ? "measured" : "skipped", bf16.GetProperty("status").GetString());
        var speedups = bf16.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(ClipMem.Common.MachineInfo.HasBf16 ? ["reference", "quick"] : [], speedups.Select(s => s.GetProperty("model").GetString()));
        foreach (var s in speedups)
        {
            Assert.Equal("bf16", s.GetProperty("bf16").GetProperty("precision").GetString());
            foreach (var key in new[] { "bare_step_speedup", "pipeline_speedup", "scoring_speedup", "auto_scoring_over_training" })
                Assert.True(s.GetProperty(key).GetDouble() > 0, $"bf16 {key} is not positive");
        }
        Assert.Equal("fp32", root.GetProperty("reference").GetProperty("precision").GetString());
        Assert.True(root.GetProperty("thread_placement").GetProperty("two_models_one_thread_each_samples_per_second").GetDouble() > 0);
        // The job's placement trains real run directories both ways, to the end.
        var job = root.GetProperty("job_placement");
        Assert.True(job.GetProperty("concurrent_seconds").GetDouble() > 0 && job.GetProperty("sequential_seconds").GetDouble() > 0);
        foreach (string way in new[] { "run1-concurrent", "run1-sequential" })
            foreach (string model in new[] { "f", "g" })
                Assert.True(Directory.GetDirectories(Path.Combine(dir.Path, "job-placement", way, model, "checkpoints"), "step-*").Length > 0, $"{way}: {model} has no checkpoint");
        Assert.Equal("skipped", root.GetProperty("peer").GetProperty("status").GetString());
        // The fifth, the scoring ratio as --precision auto runs, only where bf16 was measured.
        Assert.Equal(ClipMem.Common.MachineInfo.HasBf16 ? 5 : 4, root.GetProperty("targets").GetArrayLength());
        Assert.Contains("targets (reference model):", output.ToString());
    }

    [Fact]
    public void AbsentPeerIsSkippedWithHowToGetIt()
    {
        var peer = new PyTorchPeer("/nonexistent/python3", PyTorchPeer.FindScript());
        string? why = peer.WhyUnavailable();
        Assert.NotNull(why);
        Assert.Contains("environment/setup-peer.sh", why);
    }

    [Fact]
    public void PeerTriesEachThreadCountWithAndWithoutADataLoaderWorker()
    {
        Assert.Equal([2, 1], PyTorchPeer.PeerThreadCounts(2));
        Assert.Equal([1], PyTorchPeer.PeerThreadCounts(1));
        Assert.Equal(["2:1", "2:0", "1:1", "1:0"], PyTorchPeer.PipelineSettings(2));
    }

    private static string BenchJson(string folder, string peer)
    {
        string path = Path.Combine(folder, BenchRunner.ReportName);
        File.WriteAllText(path, $$"""{"versions": {}, "peer": {{peer}}}""");
        return path;
    }

    [Fact]
    public void TheBestSettingsAreReadFromAnEarlierBench()
    {
        using var dir = new TempDirectory();
        string path = BenchJson(dir.Path, """{"status": "measured", "best_threads": "1", "best_pipeline_threads_and_workers": "2:0"}""");
        Assert.Equal(new PeerSetting(1, 2, 0), PeerSetting.FromReport(path));
    }

    [Theory]
    [InlineData("""{"status": "skipped", "best_threads": null}""", "the peer was skipped in that bench")]
    [InlineData("""{"status": "measured", "best_threads": "1", "best_pipeline_threads_and_workers": "2"}""", "not THREADS:WORKERS")]
    [InlineData("""{"status": "measured"}""", "not a bench.json with the peer's figures")]
    public void ABenchWithoutTheBestSettingsIsRefusedNamingTheFile(string peer, string problem)
    {
        using var dir = new TempDirectory();
        string path = BenchJson(dir.Path, peer);
        var e = Assert.Throws<InvalidDataException>(() => PeerSetting.FromReport(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void BestOnlyWithoutAnEarlierBenchIsABadInputExitNamingTheFile()
    {
        using var dir = new TempDirectory();
        var error = new StringWriter();
        Assert.Equal(CliApp.ExitBadInput, CliApp.Run(["bench", "--peer-best-only", "--out", dir.Path], new StringWriter(), error));
        Assert.Contains($"{Path.Combine(dir.Path, BenchRunner.ReportName)}: no earlier bench", error.ToString());
        Assert.NotEqual(CliApp.ExitOk, CliApp.Run(["bench", "--peer-best-only", "--no-peer", "--out", dir.Path], new StringWriter(), new StringWriter()));
    }

    /// <summary>The settings the peer is asked to measure: the value after each of its setting flags, up to the next flag.</summary>
    private static Dictionary<string, string[]> Settings(IReadOnlyList<string> arguments)
    {
        var flags = new[] { "--threads", "--pipeline-threads", "--workers", "--other-threads", "--pipeline-settings" };
        return flags.Where(arguments.Contains).ToDictionary(f => f,
            f => arguments.Skip(arguments.ToList().IndexOf(f) + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void BestOnlyAsksThePeerForExactlyThoseSettingsAndOtherwiseForEveryOne()
    {
        var config = ClipMem.Models.ClipConfig.BenchReference(1000);
        var every = Settings(PyTorchPeer.Arguments("peer.py", config, new BenchOptions(Threads: 2), "t.tsv"));
        Assert.Equal(["2"], every["--threads"]);
        Assert.Equal(["2", "1"], every["--other-threads"]);
        Assert.Equal(["2:1", "2:0", "1:1", "1:0"], every["--pipeline-settings"]);
        Assert.False(every.ContainsKey("--pipeline-threads"));

        var best = Settings(PyTorchPeer.Arguments("peer.py", config, new BenchOptions(Threads: 2, PeerBestOnly: new PeerSetting(1, 2, 0)), "t.tsv"));
        Assert.Equal(["1"], best["--threads"]);
        Assert.Equal(["2"], best["--pipeline-threads"]);
        Assert.Equal(["0"], best["--workers"]);
        Assert.Empty(best["--other-threads"]);
        Assert.Empty(best["--pipeline-settings"]);
    }

    [Fact]
    public void MedianOfEvenAndOddCounts()
    {
        Assert.Equal(2, BenchStatistics.Median([3, 1, 2]));
        Assert.Equal(2.5, BenchStatistics.Median([4, 1, 2, 3]));
    }
}
