using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClipMem.Models;

namespace ClipMem.Benchmarks;

/// <summary>What one run of the PyTorch peer reported.</summary>
/// <param name="FullPipelineByThreadsAndWorkers">Keyed "THREADS:WORKERS" (torch threads, DataLoader worker processes).</param>
public sealed record PeerRun(string TorchVersion, int Threads, int DataLoaderWorkers, long Parameters, double BareStepSamplesPerSecond,
    double FullPipelineSamplesPerSecond, IReadOnlyDictionary<string, double> BareStepByThreads,
    IReadOnlyDictionary<string, double> FullPipelineByThreadsAndWorkers);

/// <summary>
/// The peer's fastest settings found by an earlier bench: torch threads for the bare step, and torch threads
/// with DataLoader workers for the full pipeline. `clipmem bench --peer-best-only` measures only these, which
/// is what the ratios are taken against, instead of every setting again.
/// </summary>
public sealed record PeerSetting(int BareThreads, int PipelineThreads, int PipelineWorkers)
{
    /// <summary>The best settings recorded in a bench.json; an error naming the file when it has none.</summary>
    public static PeerSetting FromReport(string benchJson)
    {
        if (!File.Exists(benchJson))
            throw new FileNotFoundException($"{benchJson}: no earlier bench to take the peer's best setting from; run `clipmem bench` once without --peer-best-only", benchJson);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(benchJson));
            var peer = document.RootElement.GetProperty("peer");
            string status = peer.GetProperty("status").GetString() ?? "";
            if (status != "measured")
                throw new InvalidDataException($"{benchJson}: the peer was {status} in that bench, so it has no best setting; run `clipmem bench` with the peer once");
            string? bare = peer.GetProperty("best_threads").GetString();
            string? pipeline = peer.GetProperty("best_pipeline_threads_and_workers").GetString();
            if (bare is null || pipeline?.Split(':') is not [var threads, var workers])
                throw new InvalidDataException($"{benchJson}: peer.best_threads or peer.best_pipeline_threads_and_workers is missing or not THREADS:WORKERS");
            return new PeerSetting(int.Parse(bare, CultureInfo.InvariantCulture), int.Parse(threads, CultureInfo.InvariantCulture), int.Parse(workers, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{benchJson}: not a bench.json with the peer's figures: {e.Message}", e);
        }
    }

    public override string ToString() => $"bare step at {BareThreads} torch thread{(BareThreads == 1 ? "" : "s")}, pipeline {PipelineThreads}:{PipelineWorkers} (threads:workers)";
}

/// <summary>
/// The PyTorch peer (tests/peer/clip_peer.py) run as a subprocess of Debian's /usr/bin/python3, which
/// is the interpreter that sees python3-torch (a pyenv python first on PATH does not).
/// </summary>
public sealed class PyTorchPeer(string pythonPath, string scriptPath)
{
    public const string SetupHint = "install it with environment/setup-peer.sh (as root: Debian's python3-torch, python3-torchvision, python3-pil, libopenblas0-pthread)";

    public string ScriptPath => scriptPath;

    /// <summary>Null when the peer can run; otherwise why not, and how to get it.</summary>
    public string? WhyUnavailable()
    {
        if (!File.Exists(pythonPath)) return $"PyTorch peer skipped: {pythonPath} not found; {SetupHint}.";
        if (!File.Exists(scriptPath)) return $"PyTorch peer skipped: peer script {scriptPath} not found (run from the checkout or pass its path).";
        var (code, _, error) = Run(["-c", "import torch, torchvision, PIL"], TimeSpan.FromMinutes(2));
        return code == 0 ? null : $"PyTorch peer skipped: {pythonPath} cannot import torch/torchvision/PIL ({LastLine(error)}); {SetupHint}.";
    }

    public PeerRun Measure(ClipConfig config, BenchOptions options, string tablePath)
    {
        var vision = config.Vision;
        var text = config.Text;
        if (vision.Width != text.Width || vision.Layers != text.Layers || vision.Heads != text.Heads)
            throw new ArgumentException("The peer builds towers of one width, depth and head count; the config differs between towers.");
        var (code, output, error) = Run(Arguments(Path.GetFullPath(scriptPath), config, options, Path.GetFullPath(tablePath)), TimeSpan.FromMinutes(20));
        if (code != 0) throw new InvalidOperationException($"PyTorch peer failed (exit {code}): {LastLine(error)}");
        string json = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith('{'));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new PeerRun(
            root.GetProperty("torch_version").GetString() ?? "unknown",
            root.GetProperty("threads").GetInt32(),
            root.GetProperty("dataloader_workers").GetInt32(),
            root.GetProperty("parameters").GetInt64(),
            root.GetProperty("bare_step_samples_per_second").GetDouble(),
            root.GetProperty("full_pipeline_samples_per_second").GetDouble(),
            root.GetProperty("bare_step_by_threads").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            root.TryGetProperty("full_pipeline_by_threads_and_workers", out var bySetting)
                ? bySetting.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())
                : new Dictionary<string, double> { [$"{options.Threads}:1"] = root.GetProperty("full_pipeline_samples_per_second").GetDouble() });
    }

    /// <summary>
    /// The peer's command line: the model and the step counts, then the settings it measures. Every setting of
    /// <see cref="PeerThreadCounts"/> and <see cref="PipelineSettings"/>, or with <see cref="BenchOptions.PeerBestOnly"/>
    /// exactly that one for the bare step and that one for the pipeline.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string script, ClipConfig config, BenchOptions options, string tablePath)
    {
        var (vision, text) = (config.Vision, config.Text);
        string[] model =
        [
            script, "--table", tablePath, "--batch", Text(options.BatchSize),
            "--steps", Text(options.BareSteps), "--pipeline-steps", Text(options.PipelineSteps), "--warmup", Text(options.WarmupSteps),
            "--image-size", Text(vision.ImageSize), "--patch", Text(vision.PatchSize), "--width", Text(vision.Width),
            "--layers", Text(vision.Layers), "--heads", Text(vision.Heads), "--context", Text(text.ContextLength),
            "--embed-dim", Text(config.EmbedDim), "--vocab", Text(text.VocabularySize), "--seed", options.Seed.ToString(CultureInfo.InvariantCulture),
        ];
        if (options.PeerBestOnly is { } best)
            return [.. model, "--threads", Text(best.BareThreads), "--pipeline-threads", Text(best.PipelineThreads), "--workers", Text(best.PipelineWorkers),
                "--other-threads", "--pipeline-settings"];
        return [.. model, "--threads", Text(options.Threads),
            "--other-threads", .. PeerThreadCounts(options.Threads).Select(Text),
            "--pipeline-settings", .. PipelineSettings(options.Threads)];
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Torch thread counts the peer tries beside the workbench's: 1 and the workbench's count (PyTorch 1.13 with OpenBLAS is faster at 1 here).</summary>
    public static IReadOnlyList<int> PeerThreadCounts(int threads) => new[] { threads, 1 }.Distinct().ToArray();

    /// <summary>
    /// Full-pipeline settings "THREADS:WORKERS" the peer tries: each thread count with no DataLoader worker
    /// (decoding on the training thread) and with one worker process (decoding beside it). More workers than
    /// one would only contend for the same cores on a machine of two.
    /// </summary>
    public static IReadOnlyList<string> PipelineSettings(int threads) =>
        PeerThreadCounts(threads).SelectMany(t => new[] { $"{t}:1", $"{t}:0" }).ToArray();

    /// <summary>The peer script in a checkout: tests/peer/clip_peer.py above the working directory or the binary.</summary>
    public static string FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "peer", "clip_peer.py");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return Path.Combine("tests", "peer", "clip_peer.py");
    }

    private (int Code, string Output, string Error) Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        // Its own working directory, as for ClipMemCommand: torch's MKL aborts in a deleted current directory.
        var start = new ProcessStartInfo(pythonPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {pythonPath}");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, output.Result, $"timed out after {timeout.TotalMinutes:F0} minutes");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", e.Message);
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "no message";
}
