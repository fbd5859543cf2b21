using ClipMem.Reporting;
using System.CommandLine;
using ClipMem.Experiments;
using ClipMem.Experiments.Regime;
using ClipMem.Experiments.Paradigms;

namespace ClipMem.Cli;

/// <summary>`clipmem experiment ...`: studies made of many runs, each run as reproduce makes it.</summary>
public static class ExperimentCommands
{
    public static Command Create(TextWriter output) => new("experiment", "Studies of many runs.") { Regime(output), Paradigms(output) };

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
            "When does memorization appear? Runs the preset and one-factor variations of it (epochs, batch size, pool size, model size, captions per image, " +
            "augmentation, world difficulty), each a full run, and writes regime.csv: clean S_C - S_S and S_C - S_I with CIs, mis-caption AUROC, probe, losses, wall time.")
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

    private static Command Paradigms(TextWriter output)
    {
        var options = new ExperimentOptions();
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds, one full comparison each (default 0,1,2: the intervals need three).", DefaultValueFactory = _ => "0,1,2" };
        var only = new Option<string[]>("--paradigms")
        {
            Description = $"The paradigms to compare (default: {string.Join(", ", ParadigmStudy.Paradigms)}).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("paradigms",
            "CLIP between supervised and self-supervised learning (the study's finding 4): CLIP, DINO and a supervised ViT on the same images, splits and ViT, " +
            "each a leave-set-out run per seed; writes each run's scores_long.csv and unitmem.csv and paradigms.json (UnitMem per layer, the ranking of " +
            "injected and atypical samples, agreement between paradigms, linear probes, training time; intervals over seeds; the verdicts).")
        {
            seeds, only,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (baseline, runtime, _) = options.Read(parse);
            string root = parse.GetValue(options.Out) ?? ParadigmStudy.DefaultPath(baseline);
            var seedList = parse.GetValue(seeds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ulong.Parse).ToList();
            var paradigms = parse.GetValue(only) is { Length: > 0 } given ? given.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList() : null;
            foreach (var p in paradigms ?? ParadigmStudy.Paradigms) ParadigmStudy.ConfigFor(baseline, p, seedList[0]).Validate();
            output.WriteLine($"paradigm study: {seedList.Count} seed(s) x {(paradigms ?? ParadigmStudy.Paradigms).Count} paradigms under {Path.GetFullPath(root)}");
            var bar = new ProgressBar(output);
            var result = new ParadigmStudy(runtime, root, output) { Progress = bar.Report }.Run(baseline, seedList, paradigms);
            bar.Finish();
            output.Write(ParadigmViews.TextTable(result).ToText(indent: ""));
            if (result.Agreements.Count > 0) output.Write(ParadigmViews.AgreementTable(result).ToText(indent: ""));
            foreach (var verdict in ParadigmFindings.Verdicts(result)) output.WriteLine(verdict);
            output.WriteLine($"wrote {Path.Combine(root, ParadigmStudy.ResultFile)}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
