using System.CommandLine;
using ClipMem.Diagnostics;

namespace ClipMem.Cli;

/// <summary>`clipmem diagnose`: reproducers kept as stress tests (see NativeLifetimeStress for the crash they found).</summary>
public static class DiagnoseCommand
{
    public static Command Create(TextWriter output)
    {
        var seconds = new Option<int>("--seconds") { Description = "How long to stress.", DefaultValueFactory = _ => 60 };
        var control = new Option<bool>("--control") { Description = "Also run the patterns the workbench used before the fix: the positive control, which must crash." };
        var lifetimes = new Command("native-lifetimes",
            "Train and embed on the tiny preset while another thread forces garbage collections: a native object freed by a finalizer while libtorch uses it crashes the process. Run it with MALLOC_PERTURB_ set.")
        {
            seconds, control,
        };
        lifetimes.SetAction(parse =>
        {
            var result = NativeLifetimeStress.Run(TimeSpan.FromSeconds(parse.GetValue(seconds)), output, parse.GetValue(control));
            output.WriteLine($"survived: {result.TrainingSteps} training steps, {result.Batches} batches, {result.EmbeddingPasses} embedding passes, {result.ForcedCollections} forced collections in {result.Seconds:F0} s");
            return CliApp.ExitOk;
        });
        return new Command("diagnose", "Reproducers and stress tests.") { lifetimes, KillResume(output), Fuzz(output) };
    }

    private static Command KillResume(TextWriter output)
    {
        var trials = new Option<int>("--trials") { Description = "Kills per target.", DefaultValueFactory = _ => 1 };
        var preset = new Option<string>("--preset") { Description = "The main job's preset.", DefaultValueFactory = _ => "tiny" };
        var targets = new Option<string[]>("--target")
        {
            Description = "Aim the kills at these only: phases of the main job (data, tokenizer, training, embedding, scoring, utility, summary, report) " +
                          $"or {KillResumeTrials.CheckpointWrite}. Default: all of them.",
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the main job and of the kill moments.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for the reference run and one run directory per trial.", Required = true };
        var command = new Command("kill-resume",
            "Fault injection: kill the main job (SIGKILL, whole process tree) at seeded moments inside each phase and inside checkpoint writes, " +
            "resume it, and compare every artefact with an uninterrupted run. Writes kill-resume.json (the tally) into --out.")
        {
            trials, preset, targets, seed, outDir,
        };
        command.SetAction(parse =>
        {
            string root = parse.GetValue(outDir)!.FullName;
            var results = new KillResumeTrials(root, parse.GetValue(preset)!, output, parse.GetValue(seed))
                .Run(parse.GetValue(trials), parse.GetValue(targets) is { Length: > 0 } aimed ? aimed : null);
            var tally = KillResumeTrials.Tally(results);
            Common.AtomicFile.WriteAllText(Path.Combine(root, "kill-resume.json"), System.Text.Json.JsonSerializer.Serialize(
                new KillResumeRecord(parse.GetValue(preset)!, parse.GetValue(seed), Common.MachineInfo.Describe(), tally), Common.Json.Options));
            output.WriteLine();
            output.WriteLine($"{"aimed at",-17} {"trials",6} {"killed",6} {"identical",9}");
            foreach (var t in tally) output.WriteLine($"{t.Target,-17} {t.Trials,6} {t.Killed,6} {t.Identical,9}");
            output.WriteLine($"{results.Count(r => r.Identical)} of {results.Count} trials identical to the uninterrupted run");
            return results.All(r => r.Identical) ? CliApp.ExitOk : CliApp.ExitFailure;
        });
        return command;
    }

    private static Command Fuzz(TextWriter output)
    {
        var seconds = new Option<double>("--seconds") { Description = "How long to fuzz.", DefaultValueFactory = _ => 60 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the mutations: case N of a target is the same mutant for the same seed.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Work folder; failing mutants stay in it with a note, and fuzz.json holds the tally.", Required = true };
        var command = new Command("fuzz",
            "Mutation fuzzer over valid inputs of every loader (PNG, JPEG, GIF, CSV/TSV, COCO JSON, webdataset tar, IDX): each mutant must load or get a clear error naming the file.")
        {
            seconds, seed, outDir,
        };
        command.SetAction(parse =>
        {
            string root = parse.GetValue(outDir)!.FullName;
            var report = new Diagnostics.Reliability.MutationFuzzer(root, parse.GetValue(seed)).Run(TimeSpan.FromSeconds(parse.GetValue(seconds)), log: output);
            Common.AtomicFile.WriteAllText(Path.Combine(root, "fuzz.json"), System.Text.Json.JsonSerializer.Serialize(
                new Diagnostics.Reliability.FuzzRecord(parse.GetValue(seed), Math.Round(report.Seconds), Common.MachineInfo.Describe(), report.Tallies), Common.Json.Options));
            output.WriteLine($"{"target",-16} {"mutants",8} {"loaded",7} {"refused",8} {"failures",8}");
            foreach (var t in report.Tallies) output.WriteLine($"{t.Target,-16} {t.Cases,8} {t.Loaded,7} {t.ClearErrors,8} {t.Failures,8}");
            output.WriteLine($"{report.Cases} mutants in {report.Seconds:F0} s, {report.Failures.Count} failures");
            return report.Failures.Count == 0 ? CliApp.ExitOk : CliApp.ExitFailure;
        });
        return command;
    }
}
