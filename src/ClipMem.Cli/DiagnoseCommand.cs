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
        return new Command("diagnose", "Reproducers and stress tests.") { lifetimes };
    }
}
