using ClipMem.Reporting;
using System.CommandLine;
using ClipMem.Experiments;
using ClipMem.Experiments.Regime;
using ClipMem.Experiments.Paradigms;
using ClipMem.Experiments.Mitigations;

namespace ClipMem.Cli;

/// <summary>`clipmem experiment ...`: studies made of many runs, each run as reproduce makes it.</summary>
public static class ExperimentCommands
{
    public static Command Create(TextWriter output) => new("experiment", "Studies of many runs.") { Regime(output), Paradigms(output), Mitigation(MitigationGrid.TextVsImage, output), Mitigation(MitigationGrid.Captions, output), Mitigation(MitigationGrid.Noise, output), Mitigation(MitigationGrid.Removal, output) };

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

    private static Command Mitigation(string experiment, TextWriter output)
    {
        var options = new ExperimentOptions();
        var grid = new Option<string>("--grid")
        {
            Description = "quick (the ends and the study's sweet spot, for 2 cores) or full (the study's settings).",
            DefaultValueFactory = _ => "quick",
        };
        grid.AcceptOnlyFromAmong([.. MitigationGrid.Grids]);
        var seeds = new Option<int>("--seeds") { Description = "How many seeds, from --seed on (3: the intervals over seeds need them); each setting is a full run per seed.", DefaultValueFactory = _ => 3 };
        string what = experiment switch
        {
            MitigationGrid.TextVsImage => "Text against image (the study's Table 1, finding 5): f and g trained on 1 image or 1 or 5 images generated from the caption, " +
                                          "with 1 or 5 captions, every case scored on the samples' own images and all 5 captions",
            MitigationGrid.Captions => "Captions per image (the study's finding 6): f and g trained on 1 to 5 captions per image, every setting scored on all 5",
            MitigationGrid.Removal => "Removal (the study's finding 8): the baseline, then S_C ranked by CLIPMem, by lowest image-text similarity under f or at random, " +
                                      "the top N removed and f retrained from scratch (g reused), N scaled to |S_C| as the study's 50..3200 of 5,000",
            _ => "Gaussian noise on the text embeddings during training (the study's finding 7), over its sigma grid",
        };
        var command = new Command(experiment,
            what + ", each a full run per seed; compares each with the baseline on the same S_C samples (the baseline's clean-S_C range), " +
            "with utility (linear probe, retrieval R@1); writes mitigation_runs and mitigation_summary (.csv and .parquet).")
        {
            grid, seeds,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var (baseline, runtime, _) = options.Read(parse);
            string gridName = parse.GetValue(grid)!;
            int seedCount = parse.GetValue(seeds);
            if (seedCount < 1) throw new ArgumentException($"--seeds {seedCount}: allowed values are 1 or more.");
            string root = parse.GetValue(options.Out) ?? MitigationStudy.DefaultPath(experiment, baseline, gridName);
            output.WriteLine($"{experiment} study: {seedCount} seed(s), {gridName} grid, under {Path.GetFullPath(root)}");
            var bar = new ProgressBar(output);
            var result = new MitigationStudy(runtime, root, output) { Progress = bar.Report }
                .Run(experiment, baseline, MitigationStudy.Seeds(baseline, seedCount), gridName);
            bar.Finish();
            output.Write(MitigationViews.TextTable(result.Summary).ToText(indent: ""));
            output.WriteLine($"wrote {Path.Combine(root, MitigationStudy.RunsTable)}.csv and {MitigationStudy.SummaryTable}.csv (and .parquet)");
            return CliApp.ExitOk;
        });
        return command;
    }
}
