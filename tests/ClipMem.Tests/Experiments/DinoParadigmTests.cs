using ClipMem.Data.Splits;
using ClipMem.Experiments;
using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Experiments.Paradigms;
using ClipMem.Tests.Training;
using ClipMem.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>
/// DINO through the leave-set-out runner, as `clipmem train` jobs run it (each model in its own process): f_ssl and g_ssl
/// train on images alone without collapsing, log their collapse signals every epoch, reload, and SSLMem scores every
/// sample. No split ordering is asserted: at the tiny size DINO's SSLMem means are about 5e-4 with no reliable S_C > S_I
/// (see DinoRecipe's remarks); the paradigm study measures it at the quick size.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class DinoParadigmTests
{
    [Fact]
    public void FAndGTrainAsJobsWithoutCollapseAndSslMemScoresEverySample()
    {
        using var dir = new TempDirectory();
        var tiny = ExperimentPreset.Named("tiny");
        var config = tiny with { Model = tiny.Model with { Paradigm = DinoParadigm.ParadigmName } };
        var runtime = new RuntimeOptions(Threads: 2);
        var run = RunDirectory.Open(dir.Path, config, runtime);
        var paradigm = new DinoParadigm();
        var runner = new LeaveSetOutRun(config, runtime, run, paradigm, TextWriter.Null);
        var data = ExperimentData.Build(config, TextWriter.Null);
        var context = runner.Context(data);

        runner.TrainPending(data);
        foreach (string model in new[] { "f", "g" })
        {
            var history = TrainingHistory.Read(runner.TrainingPaths(model).Metrics);
            Assert.Equal(config.Recipe.Epochs, history.Count);
            double floor = DinoEpochSignals.InformationShare * Math.Log(DinoParadigm.ModelConfig(config).Head.OutDim);
            Assert.All(history, e =>
            {
                Assert.True(e["teacher_information"] > floor, $"{model} epoch {e.Epoch}: teacher information {e["teacher_information"]}");
                Assert.True(e["kl_teacher_student"] >= 0, $"{model} epoch {e.Epoch}: KL {e["kl_teacher_student"]}");
                Assert.True(e["teacher_entropy"] <= e["teacher_marginal_entropy"] + 1e-6, $"{model} epoch {e.Epoch}: a sample's entropy above the batch mean's");
            });
        }
        using var f = runner.Load("f", data);
        using var g = runner.Load("g", data);
        var records = paradigm.Score(f, g, context);

        Assert.Equal(Enum.GetValues<Split>().Sum(s => data.Plan.Members(s).Count), records.Count);
        Assert.All(records, r =>
        {
            // A mean distance between unit vectors lies in [0, 2]; raw SSLMem is g's distance less f's.
            Assert.InRange(r.Extras["distance_f"], 0, 2);
            Assert.InRange(r.Extras["distance_g"], 0, 2);
            Assert.Equal(r.Extras["distance_g"] - r.Extras["distance_f"], r.Raw, 9);
        });
    }
}
