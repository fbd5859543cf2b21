using ClipMem.Reporting;
using System.CommandLine;
using ClipMem.Experiments;
using ClipMem.Experiments.Regime;

namespace ClipMem.Cli;

/// <summary>`clipmem experiment ...`: studies made of many runs, each run as reproduce makes it.</summary>
public static class ExperimentCommands
{
    public static Command Create(TextWriter output) => new("experiment", "Studies of many runs.") { Regime(output) };

    private static Command Regime(TextWriter output)
    {
        var options = new ExperimentOptions();
        var factors = new Option<string[]>("--factors")
        {
            Description = $"The factors to vary, one at a time around the preset: {string.Join(", ", RegimeGrid.Factors)} (default: all). " +
                          "'model' on quick includes the bench model, which trains about ten times slower.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("regime",
            "When does memorization appear? Runs the preset and one-factor variations of it (epochs, pool size, model size, captions per image, " +
            "augmentation), each a full run, and writes regime.csv: clean S_C - S_S and S_C - S_I with CIs, mis-caption AUROC, probe, losses, wall time.")
        {
            factors,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (baseline, runtime, _) = options.Read(parse);
            string root = parse.GetValue(options.Out) ?? RegimeStudy.DefaultPath(baseline);
            var chosen = parse.GetValue(factors) is { Length: > 0 } given ? given.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray() : null;
            var points = RegimeGrid.Around(baseline, chosen);
            foreach (var point in points) point.Config.Validate();
            output.WriteLine($"regime study: {points.Count} runs under {Path.GetFullPath(root)}");
            var bar = new ProgressBar(output);
            var rows = new RegimeStudy(runtime, root, output) { Progress = bar.Report }.Run(points);
            bar.Finish();
            output.Write(RegimeViews.TextTable(rows).ToText(indent: ""));
            output.WriteLine($"wrote {Path.Combine(root, RegimeStudy.TableFile)}");
            return CliApp.ExitOk;
        });
        return command;
    }

}
