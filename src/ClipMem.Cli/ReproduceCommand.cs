using ClipMem.Reporting;
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
        var options = new ExperimentOptions();
        var command = new Command("reproduce", "Train f and g on the leave-set-out splits (each in its own process), score every sample with CLIPMem, evaluate, and write the run directory (summary.json, scores.csv/.parquet, report.html).");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (config, runtime, root) = options.Read(parse);
            var run = RunDirectory.Open(root, config, runtime);
            output.WriteLine($"run directory: {run.Root} (config {run.ConfigHash})");
            return RunAndPrint(config, runtime, run, output);
        });
        return command;
    }

    /// <summary>Runs the whole experiment with a progress bar and prints its summary (reproduce, derive).</summary>
    public static int RunAndPrint(ExperimentConfig config, RuntimeOptions runtime, RunDirectory run, TextWriter output)
    {
        var bar = new ProgressBar(output);
        var result = new ClipMemExperiment(config, runtime, run, output) { Progress = bar.Report }.Run();
        bar.Finish();
        output.Write(SummaryView.ToText(result));
        return CliApp.ExitOk;
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
