using ClipMem.Data.Splits;
using ClipMem.Experiments;
using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Experiments.Paradigms;
using ClipMem.Tests.Training;
using ClipMem.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>
/// DINO through the leave-set-out runner, as `clipmem train` jobs run it (each model in its own process): f_ssl and g_ssl
/// train on images alone without collapsing, log their collapse signals, reload, and SSLMem scores every sample.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class DinoParadigmTests
{
    [Fact]
    public void FAndGTrainAsJobsWithoutCollapseAndSslMemShowsTheSplits()
    {
        using var dir = new TempDirectory();
        var tiny = ExperimentPreset.Named("tiny");
        var config = tiny with { Model = tiny.Model with { Paradigm = DinoParadigm.ParadigmName } };
        var runtime = new RuntimeOptions(Threads: 2);
        var run = RunDirectory.Open(dir.Path, config, runtime);
        var paradigm = new DinoParadigm();
        var runner = new LeaveSetOutRun(config, runtime, run, paradigm, Console.Out);
        var data = ExperimentData.Build(config, TextWriter.Null);
        var context = runner.Context(data);

        runner.TrainPending(data);
        var history = TrainingHistory.Read(runner.TrainingPaths("f").Metrics);
        Assert.Equal(config.Recipe.Epochs, history.Count);
        foreach (var line in File.ReadAllLines(runner.TrainingPaths("f").Metrics)) Console.WriteLine(line);
        using var f = runner.Load("f", data);
        using var g = runner.Load("g", data);
        var records = paradigm.Score(f, g, context);

        Assert.Equal(Enum.GetValues<Split>().Sum(s => data.Plan.Members(s).Count), records.Count);
        Assert.All(records, r => Assert.Equal(r.Extras["distance_g"] - r.Extras["distance_f"], r.Raw, 9));
        double Mean(string split) => records.Where(r => r.Split == split).Average(r => r.Raw);
        Console.WriteLine($"S_C {Mean("S_C")} S_S {Mean("S_S")} S_I {Mean("S_I")} S_E {Mean("S_E")}");
        Assert.True(Mean("S_C") > Mean("S_I"), $"mean raw SSLMem S_C {Mean("S_C")}, S_I {Mean("S_I")}");
    }
}
