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
        return command;
    }
}
