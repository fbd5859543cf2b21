using ClipMem.Data.Splits;
using ClipMem.Experiments;
using ClipMem.Experiments.LeaveSetOut;
using ClipMem.Experiments.Paradigms;
using ClipMem.Tests.Training;

namespace ClipMem.Tests.Experiments;

/// <summary>
/// The supervised paradigm through the leave-set-out runner, as `clipmem train` jobs run it (each model in its own
/// process): f and g train, reload, and score every sample, with the split pattern and the label noise visible.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class SupervisedParadigmTests
{
    [Fact]
    public void FAndGTrainAsJobsAndTheirScoresShowTheSplitsAndTheFlippedLabels()
    {
        using var dir = new TempDirectory();
        var tiny = ExperimentPreset.Tiny;
        // The tiny CLIP recipe (12 epochs at 2e-3) leaves a classifier over the tiny world's 667 labels near its label
        // priors (S_C and S_I raw means 0.0015 and 0.0003); 40 epochs at 5e-3 train it in about 15 s.
        var config = tiny with { Model = tiny.Model with { Paradigm = SupervisedParadigm.ParadigmName }, Recipe = tiny.Recipe with { Epochs = 40, LearningRate = 5e-3 } };
        var runtime = new RuntimeOptions(Threads: 2);
        var run = RunDirectory.Open(dir.Path, config, runtime);
        var paradigm = new SupervisedParadigm();
        var runner = new LeaveSetOutRun(config, runtime, run, paradigm, TextWriter.Null);
        var data = ExperimentData.Build(config, TextWriter.Null);
        var context = runner.Context(data);

        // A flipped sample trains on its donor's labels; the others on their own.
        var (flipped, donor) = data.Injection.DonorOf.First();
        var classes = paradigm.Classes(context);
        Assert.Equal(data.Pool[donor].Labels.Select(l => classes.ToList().IndexOf(l)).Distinct(), paradigm.TrainingLabels(context, flipped));
        var clean = data.Plan.Members(Split.Candidates).First(id => !data.Injection.DonorOf.ContainsKey(id));
        Assert.Equal(data.Pool[clean].Labels.Select(l => classes.ToList().IndexOf(l)).Distinct(), paradigm.TrainingLabels(context, clean));

        runner.TrainPending(data);
        using var f = runner.Load("f", data);
        using var g = runner.Load("g", data);
        var records = paradigm.Score(f, g, context);

        Assert.Equal(Enum.GetValues<Split>().Sum(s => data.Plan.Members(s).Count), records.Count);
        Assert.All(records, r => Assert.Equal((SupervisedParadigm.ParadigmName, SupervisedParadigm.ScoreName), (r.Paradigm, r.Score)));
        Assert.All(records, r => Assert.Equal(r.Extras["label_probability_f"] - r.Extras["label_probability_g"], r.Raw, 9));
        double Mean(Func<ScoreRecord, bool> which) => records.Where(which).Average(r => r.Raw);
        var injected = data.Injection.DonorOf.Keys.Select(id => id.Value).ToHashSet();
        double candidates = Mean(r => r.Split == "S_C"), shared = Mean(r => r.Split == "S_S"), independent = Mean(r => r.Split == "S_I");
        // f saw S_C and g saw S_I, both saw S_S: the leave-set-out pattern S_C > S_S > S_I. (S_S, the noise floor, is not
        // at 0: over hundreds of classes f and g differ in how low they put every logit.)
        Assert.True(candidates > shared && shared > independent, $"mean raw S_C {candidates}, S_S {shared}, S_I {independent}");
        // The flipped labels were f's alone to fit; g predicts the images' real labels: the injected samples stand out.
        double flippedMean = Mean(r => injected.Contains(r.SampleId)), cleanMean = Mean(r => r.Split == "S_C" && !injected.Contains(r.SampleId));
        Assert.True(flippedMean > cleanMean, $"mean raw of the flipped samples {flippedMean}, of clean S_C {cleanMean}");
        // Normalised on S_C's range.
        var sc = records.Where(r => r.Split == "S_C").ToList();
        Assert.Equal(1.0, sc.Max(r => r.Normalised) - sc.Min(r => r.Normalised), 9);
    }
}
