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
        var command = new Command("bench", "Measure training (bare step and full input pipeline), CLIPMem scoring, peak memory and model FLOP utilisation on the reference and quick models, beside a PyTorch peer.")
        {
            outDir, runs, quickCheck, noPeer,
        };
        command.SetAction(parse =>
        {
            var options = parse.GetValue(quickCheck) ? BenchOptions.QuickCheck : new BenchOptions(Runs: parse.GetValue(runs));
            if (parse.GetValue(noPeer)) options = options with { RunPeer = false };
            var directory = parse.GetValue(outDir)!;
            var report = new BenchRunner(options, output).Run(directory.FullName);
            BenchTable.Write(report, output);
            output.WriteLine($"wrote {Path.Combine(directory.FullName, BenchRunner.ReportName)}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
