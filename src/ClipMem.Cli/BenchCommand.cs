using System.CommandLine;
using ClipMem.Benchmarks;

namespace ClipMem.Cli;

/// <summary>`clipmem bench`: training, pipeline and scoring throughput against PyTorch and the machine's matmul rate.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for bench.json and the exported images.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "bench")) };
        var runs = new Option<int>("--runs") { Description = "Interleaved runs; figures are their medians.", DefaultValueFactory = _ => 5 };
        var quickCheck = new Option<bool>("--quick-check") { Description = "Exercise every part in seconds with tiny batches (no timing value, no peer)." };
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the PyTorch peer." };
        var peerBestOnly = new Option<bool>("--peer-best-only")
        {
            Description = "Measure the peer only at the fastest settings (threads; threads and DataLoader workers) of the bench.json already in --out, " +
                          "instead of trying every setting again: most of a bench's time.",
        };
        var command = new Command("bench", "Measure training (bare step and full input pipeline), CLIPMem scoring, peak memory and model FLOP utilisation on the reference and quick models, beside a PyTorch peer.")
        {
            outDir, runs, quickCheck, noPeer, peerBestOnly,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(peerBestOnly) && (result.GetValue(noPeer) || result.GetValue(quickCheck)))
                result.AddError("--peer-best-only measures the peer: it cannot go with --no-peer or --quick-check.");
        });
        command.SetAction(parse =>
        {
            var options = parse.GetValue(quickCheck) ? BenchOptions.QuickCheck : new BenchOptions(Runs: parse.GetValue(runs));
            if (parse.GetValue(noPeer)) options = options with { RunPeer = false };
            var directory = parse.GetValue(outDir)!;
            // Read before the run, which overwrites bench.json.
            if (parse.GetValue(peerBestOnly))
                options = options with { PeerBestOnly = PeerSetting.FromReport(Path.Combine(directory.FullName, BenchRunner.ReportName)) };
            var report = new BenchRunner(options, output).Run(directory.FullName);
            BenchTable.Write(report, output);
            output.WriteLine($"wrote {Path.Combine(directory.FullName, BenchRunner.ReportName)}");
            return CliApp.ExitOk;
        });
        command.Subcommands.Add(Ensemble(output));
        return command;
    }

    /// <summary>`clipmem bench ensemble`: M small models' blocks one after another against the same M stacked into batched products.</summary>
    private static Command Ensemble(TextWriter output)
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for ensemble.json.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "bench")) };
        var models = new Option<string>("--models") { Description = "Ensemble sizes, comma-separated.", DefaultValueFactory = _ => "1,2,4,8" };
        var threads = new Option<string>("--threads") { Description = "Torch thread counts, comma-separated.", DefaultValueFactory = _ => "1,2" };
        var steps = new Option<int>("--steps") { Description = "Steps per timed round.", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (after one warm-up round); figures are their medians.", DefaultValueFactory = _ => 5 };
        var command = new Command("ensemble",
            "Would several small models in one forward pass pay? Times forward and backward of the quick model's transformer blocks for M models, " +
            "one after another and stacked into batched matrix products, at each thread count.")
        {
            outDir, models, threads, steps, rounds,
        };
        command.SetAction(parse =>
        {
            static int[] Counts(string text, string option) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => int.TryParse(t, out int n) && n > 0 ? n : throw new ArgumentException($"{option} {text}: expected positive whole numbers separated by commas, such as 1,2,4."))
                .ToArray();
            if (parse.GetValue(steps) < 1 || parse.GetValue(rounds) < 1) throw new ArgumentException("--steps and --rounds: allowed values are 1 or more.");
            output.WriteLine($"machine: {ClipMem.Common.MachineInfo.Describe()}");
            var figures = EnsembleBench.Measure(Counts(parse.GetValue(models)!, "--models"), Counts(parse.GetValue(threads)!, "--threads"),
                parse.GetValue(steps), parse.GetValue(rounds), output);
            var directory = parse.GetValue(outDir)!;
            directory.Create();
            string path = Path.Combine(directory.FullName, "ensemble.json");
            ClipMem.Common.AtomicFile.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(
                new { machine = ClipMem.Common.MachineInfo.Describe(), shapes = new { EnsembleBench.Width, EnsembleBench.Heads, EnsembleBench.Layers, EnsembleBench.Batch, EnsembleBench.ImageTokens, EnsembleBench.TextTokens }, figures },
                ClipMem.Common.Json.Options));
            output.WriteLine($"wrote {path}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
