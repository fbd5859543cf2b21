using System.CommandLine;
using System.Globalization;
using ClipMem.Experiments;
using ClipMem.Experiments.Derivation;

namespace ClipMem.Cli;

/// <summary>`clipmem derive removal PARENT`: a run derived from a finished one, with its lineage recorded.</summary>
public static class DeriveCommand
{
    public static Command Create(TextWriter output)
    {
        var parent = new Argument<string>("parent-run") { Description = "The finished run to derive from (it needs its scores)." };
        var remove = new Option<string>("--remove") { Description = "How many of the parent's S_C to remove: a count (100) or a percentage of S_C (10%).", Required = true };
        var ranking = new Option<string>("--ranking") { Description = "clipmem (most memorized first), lowest-similarity (lowest image-text cosine under f first) or random.", DefaultValueFactory = _ => "clipmem" };
        ranking.AcceptOnlyFromAmong("clipmem", "lowest-similarity", "random");
        var outDir = new Option<string?>("--out") { Description = "Run directory (default: beside the parent, named PARENT-remove-RANKING-N)." };
        var threads = new Option<int>("--threads") { Description = "Torch threads in total.", DefaultValueFactory = _ => 2 };
        var device = JobCommands.Device();
        var removal = new Command("removal", "Remove the top N of the parent's S_C under a ranking and retrain f from scratch on the rest (same recipe, splits, tokenizer and g), then score and evaluate it.")
        {
            parent, remove, ranking, outDir, threads, device,
        };
        removal.SetAction(parse =>
        {
            var parentRun = ClipMemRuns.Open(parse.GetValue(parent)!);
            int candidates = parentRun.Rows.Count(r => r.Split == "S_C");
            int count = Count(parse.GetValue(remove)!, candidates);
            var order = parse.GetValue(ranking) switch { "lowest-similarity" => RemovalRanking.LowestSimilarity, "random" => RemovalRanking.Random, _ => RemovalRanking.Clipmem };
            var runtime = new RuntimeOptions(parse.GetValue(device)!, parse.GetValue(threads));
            var (run, config) = DerivedRuns.CreateRemoval(parentRun, order, count, runtime, parse.GetValue(outDir));
            output.WriteLine($"derived run: {run.Root} (config {run.ConfigHash}); removes {count} of {candidates} S_C samples by {parse.GetValue(ranking)}; lineage in {DerivedRuns.LineageFile}");
            return ReproduceCommand.RunAndPrint(config, runtime, run, output);
        });
        return new Command("derive", "Runs derived from a finished run (mitigations, sweeps); each records its lineage.") { removal };
    }

    /// <summary>"100" or "10%" of the parent's S_C.</summary>
    public static int Count(string text, int candidates)
    {
        bool percent = text.EndsWith('%');
        if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 ||
            (percent ? value > 100 : value > candidates || value != Math.Floor(value)))
            throw new ArgumentException($"--remove {text}: allowed values are a whole count 0..{candidates} or a percentage 0%..100% of S_C.");
        return percent ? (int)Math.Round(value / 100 * candidates) : (int)value;
    }
}
