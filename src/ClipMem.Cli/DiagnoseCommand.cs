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
        return new Command("diagnose", "Reproducers and stress tests.") { lifetimes, KillResume(output) };
    }

    private static Command KillResume(TextWriter output)
    {
        var trials = new Option<int>("--trials") { Description = "How many kills.", DefaultValueFactory = _ => 8 };
        var preset = new Option<string>("--preset") { Description = "The main job's preset.", DefaultValueFactory = _ => "tiny" };
        var phases = new Option<string[]>("--phase") { Description = "Aim the kills at these phases only (default: every phase, in turn).", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the main job and of the kill times.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for the reference run and one run directory per trial.", Required = true };
        var command = new Command("kill-resume",
            "Fault injection: kill the main job (SIGKILL, whole process tree) at seeded moments aimed at each phase, resume it, and compare every artefact with an uninterrupted run.")
        {
            trials, preset, phases, seed, outDir,
        };
        command.SetAction(parse =>
        {
            var results = new KillResumeTrials(parse.GetValue(outDir)!.FullName, parse.GetValue(preset)!, output, parse.GetValue(seed))
                .Run(parse.GetValue(trials), parse.GetValue(phases) is { Length: > 0 } aimed ? aimed : null);
            output.WriteLine();
            output.WriteLine($"{"aimed at",-12} {"trials",6} {"killed",6} {"identical",9}");
            foreach (var group in results.GroupBy(r => r.Phase))
                output.WriteLine($"{group.Key,-12} {group.Count(),6} {group.Count(r => r.Killed),6} {group.Count(r => r.Identical),9}");
            output.WriteLine($"{results.Count(r => r.Identical)} of {results.Count} trials identical to the uninterrupted run");
            return results.All(r => r.Identical) ? CliApp.ExitOk : CliApp.ExitFailure;
        });
        return command;
    }
}
