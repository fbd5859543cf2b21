using System.CommandLine;
using System.Globalization;
using ClipMem.Experiments;
using ClipMem.Training;

namespace ClipMem.Cli;

/// <summary>`clipmem reproduce`: the main job, end to end, with a readable summary.</summary>
public static class ReproduceCommand
{
    public static Command Create(TextWriter output)
    {
        var preset = new Option<string>("--preset") { Description = "tiny (seconds), quick (default, minutes on 2 cores) or paper (the study's sizes; needs a GPU).", DefaultValueFactory = _ => "quick" };
        var dataset = CommonOptions.Dataset();
        var dataPath = CommonOptions.DataPath();
        var seed = CommonOptions.Seed();
        var outDir = new Option<string?>("--out") { Description = "Run directory (default: runs/<preset>-<dataset>-seed<seed>-<config hash>). Re-running reuses what it holds." };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var threads = new Option<int>("--threads") { Description = "Torch threads in total.", DefaultValueFactory = _ => 2 };
        var sequential = new Option<bool>("--sequential") { Description = "Train f then g with all threads, instead of both at once with one thread each." };
        var noise = new Option<double>("--text-noise") { Description = "Gaussian noise sigma on text embeddings during training (mitigation; 0 = off).", DefaultValueFactory = _ => 0 };
        var command = new Command("reproduce", "Train f and g on the leave-set-out splits, score every sample with CLIPMem, evaluate, and write the run directory (summary.json, scores.csv/.parquet, report.html).")
        {
            preset, dataset, dataPath, seed, outDir, device, threads, sequential, noise,
        };
        command.SetAction(parse =>
        {
            var config = new ExperimentConfig(ExperimentPreset.Named(parse.GetValue(preset)!), parse.GetValue(dataset)!, parse.GetValue(dataPath),
                parse.GetValue(seed), parse.GetValue(noise));
            var runtime = new RuntimeOptions(parse.GetValue(device)!, parse.GetValue(threads), !parse.GetValue(sequential));
            string root = parse.GetValue(outDir) ?? RunDirectory.DefaultPath(config);
            var run = RunDirectory.Open(root, config, runtime);
            output.WriteLine($"run directory: {Path.GetFullPath(root)} (config {run.ConfigHash})");
            var bar = new ProgressBar(output);
            var result = new ClipMemExperiment(config, runtime, run, output) { Progress = bar.Report }.Run();
            bar.Finish();
            SummaryPrinter.Print(result, output);
            return CliApp.ExitOk;
        });
        return command;
    }
}

/// <summary>One line per model, rewritten in place: step, loss, samples/s, ETA.</summary>
public sealed class ProgressBar(TextWriter output)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrainingProgress> _latest = [];
    private DateTime _lastDraw = DateTime.MinValue;

    public void Report(TrainingProgress progress)
    {
        lock (_gate)
        {
            _latest[progress.RunName] = progress;
            bool final = progress.Step == progress.TotalSteps;
            if (!final && (DateTime.UtcNow - _lastDraw).TotalMilliseconds < 500) return;
            _lastDraw = DateTime.UtcNow;
            string line = string.Join("   ", _latest.OrderBy(kv => kv.Key).Select(kv => Describe(kv.Value)));
            if (Console.IsOutputRedirected || output != Console.Out) { if (final || progress.Step % 200 == 0) output.WriteLine(line); }
            else output.Write("\r" + line.PadRight(Math.Max(0, Console.WindowWidth - 1)));
        }
    }

    public void Finish()
    {
        if (!Console.IsOutputRedirected && output == Console.Out) output.WriteLine();
    }

    private static string Describe(TrainingProgress p)
    {
        int width = 20, filled = (int)(width * (double)p.Step / p.TotalSteps);
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.RunName} [{new string('#', filled)}{new string('.', width - filled)}] {p.Step}/{p.TotalSteps} loss {p.Loss:F3} {p.SamplesPerSecond:F0}/s ETA {p.EstimatedRemaining:mm\\:ss}");
    }
}
