using System.Text.Json;
using ClipMem.Common;
using ClipMem.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipMem.Tests.Training;

/// <summary>
/// The trainer's seam for the paradigms to come, on a task small enough to follow by hand: two parameters,
/// a and b, and a loss with two named terms.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public class TrainerSeamTests
{
    private sealed class Batch : ITrainingBatch
    {
        public void Dispose() { }
        public IEnumerable<Tensor> Tensors => [];
    }

    private sealed class TwoParameters : Module
    {
        public readonly Parameter a, b;

        public TwoParameters() : base("two")
        {
            using var two = 2.0.ToScalar();
            a = Parameter(full([2, 2], two));
            b = Parameter(full([2, 2], two));
            RegisterComponents();
        }
    }

    /// <summary>Loss terms "first" = sum(a) and "second" = 3 sum(b); options let each test switch one seam on.</summary>
    private sealed class Task(TwoParameters model) : ITrainingTask<Batch>
    {
        public bool OptimiseBOnly { get; init; }
        public bool ZeroGradientsAfterBackward { get; init; }
        public double[]? DecaySchedule { get; init; }
        public List<string> Calls { get; } = [];
        public int Visits { get; private set; }
        public int RestoredVisits { get; private set; } = -1;

        public Module Model => model;
        public int SampleCount => 8;
        public Batch PrepareBatch(IReadOnlyList<int> sampleIndices, int epoch, int step) => new();

        public IReadOnlyDictionary<string, Tensor> Losses(Batch batch, int step)
        {
            Calls.Add("losses");
            Visits++;
            using var three = 3.0.ToScalar();
            return new Dictionary<string, Tensor> { ["first"] = model.a.sum(), ["second"] = model.b.sum().mul(three) };
        }

        public void AfterStep(int step) => Calls.Add("after-step");
        public IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double>();

        public IReadOnlyList<ParameterGroup> ParameterGroups(double weightDecay) =>
            OptimiseBOnly ? [new ParameterGroup([model.b], weightDecay)] : [new ParameterGroup([model.a, model.b], weightDecay)];

        public IReadOnlyDictionary<string, double[]> Schedules(int totalSteps) => DecaySchedule is { } decay
            ? new Dictionary<string, double[]> { ["weight_decay"] = decay, ["momentum"] = Enumerable.Range(0, totalSteps).Select(i => 0.9 + 0.01 * i).ToArray() }
            : new Dictionary<string, double[]>();

        public void AfterBackward(int step)
        {
            Calls.Add("after-backward");
            if (ZeroGradientsAfterBackward) { model.a.grad?.zero_(); model.b.grad?.zero_(); }
        }

        public double? HeldOutLoss() => 42.5;
        public void SaveState(string checkpointDirectory) => File.WriteAllText(Path.Combine(checkpointDirectory, "task.txt"), Visits.ToString());
        public void LoadState(string checkpointDirectory) => RestoredVisits = int.Parse(File.ReadAllText(Path.Combine(checkpointDirectory, "task.txt")));
    }

    // 8 samples in batches of 4: 2 steps an epoch.
    private static Trainer<Batch> Trainer(Task task, string directory, int epochs, double weightDecay = 0, int? stopAfter = null) =>
        new(task, new TrainingOptions(epochs, BatchSize: 4, LearningRate: 0.1, WeightDecay: weightDecay, WarmupFraction: 0), new TrainingRunPaths(directory, "seam", "seam"))
        {
            StopAfterStep = stopAfter,
        };

    private static float[] Values(Parameter p) => p.detach().data<float>().ToArray();

    private static JsonElement[] Metrics(string directory) =>
        File.ReadAllLines(Path.Combine(directory, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    [Fact]
    public void NamedLossesAreLoggedSeparatelyBesideTheirSumAndTheHeldOutLoss()
    {
        using var dir = new TempDirectory();
        using var model = new TwoParameters();
        Trainer(new Task(model), dir.Path, epochs: 1).Run();
        var line = Assert.Single(Metrics(dir.Path));
        // Step 1 sees a = b = 2: first = 8, second = 24; AdamW's first step moves every weight by the rate (0.1).
        // Step 2: first = 4 * 1.9 = 7.6, second = 3 * 7.6 = 22.8.
        Assert.Equal((8 + 7.6) / 2, line.GetProperty("loss_first").GetDouble(), 4);
        Assert.Equal((24 + 22.8) / 2, line.GetProperty("loss_second").GetDouble(), 4);
        Assert.Equal((32 + 30.4) / 2, line.GetProperty("loss").GetDouble(), 4);
        Assert.Equal(42.5, line.GetProperty("heldout_loss").GetDouble());
    }

    [Fact]
    public void OnlyTheTasksParameterGroupsAreOptimised()
    {
        using var dir = new TempDirectory();
        using var model = new TwoParameters();
        Trainer(new Task(model) { OptimiseBOnly = true }, dir.Path, epochs: 1).Run();
        Assert.All(Values(model.a), v => Assert.Equal(2f, v)); // left out, as DINO's teacher is
        // b's gradient is a constant 3, so each AdamW step moves it by that step's rate (cosine, no warm-up).
        var rates = LearningRateSchedule.WarmupCosine(0.1, 2, 0);
        Assert.All(Values(model.b), v => Assert.Equal(2 - rates[0] - rates[1], v, 5));
    }

    [Fact]
    public void TheHookRunsBetweenBackwardAndTheStepAndAWeightDecayScheduleIsApplied()
    {
        using var dir = new TempDirectory();
        using var model = new TwoParameters();
        double[] decay = [0.5, 0.25, 1.0, 0.0];
        var task = new Task(model) { ZeroGradientsAfterBackward = true, DecaySchedule = decay };
        Trainer(task, dir.Path, epochs: 2, weightDecay: 0.3).Run();
        Assert.Equal(["losses", "after-backward", "after-step"], task.Calls.Take(3));

        // With the gradients zeroed by the hook, AdamW's step is pure decay: w *= 1 - lr_t * wd_t, with lr_t the
        // cosine schedule (no warm-up) and wd_t the task's schedule, not the options' 0.3.
        var rates = LearningRateSchedule.WarmupCosine(0.1, 4, 0);
        double expected = 2;
        for (int t = 0; t < 4; t++) expected *= 1 - rates[t] * decay[t];
        Assert.All(Values(model.a), v => Assert.Equal(expected, v, 5));
        var lines = Metrics(dir.Path);
        Assert.Equal([0.25, 0.0], lines.Select(l => l.GetProperty("weight_decay").GetDouble()));
        Assert.Equal(0.91, lines[0].GetProperty("momentum").GetDouble(), 10);
    }

    [Fact]
    public void TaskStateTravelsWithTheCheckpoint()
    {
        using var dir = new TempDirectory();
        using (var model = new TwoParameters())
            Trainer(new Task(model), dir.Path, epochs: 2, stopAfter: 3).Run();
        using var resumedModel = new TwoParameters();
        var resumed = new Task(resumedModel);
        Trainer(resumed, dir.Path, epochs: 2).Run();
        Assert.Equal(3, resumed.RestoredVisits);
        Assert.Equal(1, resumed.Visits); // only the fourth step was left
    }

    [Fact]
    public void AScheduleOfTheWrongLengthIsRefused()
    {
        using var dir = new TempDirectory();
        using var model = new TwoParameters();
        var error = Assert.Throws<ArgumentException>(() => Trainer(new Task(model) { DecaySchedule = [0.1] }, dir.Path, epochs: 1).Run());
        Assert.Contains("schedule 'weight_decay' has 1 values for 2 steps", error.Message);
    }
}
